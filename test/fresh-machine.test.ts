import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from './server-helpers.js';

/**
 * A fresh machine whose base image cannot be built must be told so, by the test command and by
 * the CLI, instead of a message that names another cause. The base is made unbuildable without
 * touching the real images: an image namespace nobody uses, built only with debootstrap, from a
 * mirror on a loopback port where nothing listens.
 */
const ROOT = path.resolve(import.meta.dirname, '..');

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

async function unbuildableEnv(): Promise<NodeJS.ProcessEnv> {
  return {
    ...process.env,
    FAULTLINE_IMAGE_NAMESPACE: `faultline-unbuildable-${process.pid}`,
    FAULTLINE_BASE_IMAGE_SOURCE: 'debootstrap',
    FAULTLINE_DEBIAN_MIRROR: `http://127.0.0.1:${await freePort()}/debian`,
  };
}

describe('a base image that cannot be built', () => {
  it('stops the test command with the image failure as its cause', async () => {
    const { code, out } = await run('npx', ['vitest', 'run', 'test/tokens.test.ts'], await unbuildableEnv());
    expect(code).not.toBe(0);
    expect(out).toContain('FAILED: the Docker engine or the lab images are not ready, so no test ran');
    expect(out).toMatch(/Building the base image faultline-unbuildable-\d+\/base:bookworm with debootstrap failed/);
    expect(out).not.toContain('No test files found');
  }, 120_000);

  it('makes `faultline images` exit non-zero and say what to check', async () => {
    const { code, out } = await run('node', ['--import', 'tsx', 'server/src/cli/main.ts', 'images'], await unbuildableEnv());
    expect(code).not.toBe(0);
    expect(out).toContain('debootstrap --variant=minbase bookworm');
    expect(out).toMatch(/with debootstrap failed: debootstrap exited with \d+/);
    expect(out).toContain('FAULTLINE_DEBIAN_MIRROR');
  }, 120_000);
});
