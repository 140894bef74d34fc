import { afterEach, describe, expect, it } from 'vitest';
import { DockerUnavailableError } from '../server/src/errors/index.js';
import { startTestServer } from './server-helpers.js';

/**
 * With no Docker engine behind it the server does not half-start: re-adopting sessions needs the
 * engine, so it stops with a message naming the socket and how to start one (`serve` exits 3).
 */
describe('the Docker engine is unreachable at start', () => {
  const previous = process.env.DOCKER_HOST;

  afterEach(() => {
    if (previous === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = previous;
  });

  it('refuses to start with an error that says where it looked and what to do', async () => {
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    const err = await startTestServer().then(
      (t) => t.server.close().then(() => new Error('the server started without an engine')),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DockerUnavailableError);
    expect((err as Error).message).toContain('unix:///nonexistent/docker.sock');
    expect((err as Error).message).toMatch(/dockerd|systemctl start docker/);
  });
});
