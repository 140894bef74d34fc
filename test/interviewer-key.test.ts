import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, exited, freePort, serve } from './server-helpers.js';

describe('the interviewer key a server makes for itself', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-key-'));
  const children: ChildProcess[] = [];
  // No FAULTLINE_INTERVIEWER_KEY: the server generates one and keeps it in its data directory.
  const ownKey = { FAULTLINE_INTERVIEWER_KEY: undefined };

  afterAll(async () => {
    for (const c of children) {
      c.kill('SIGKILL');
      await exited(c);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('is printed at every start until it is used, also after a first start that failed', async () => {
    const port = await freePort();
    const file = path.join(dataDir, 'interviewer.key');
    // The first start generates the key, then fails: its port is taken.
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', () => resolve()));
    const failed = await serve(dataDir, port, ownKey).then(
      (s) => {
        children.push(s.child);
        return undefined;
      },
      (err: unknown) => String(err),
    );
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    expect(failed, 'the first start should have failed').toMatch(/EADDRINUSE|address already in use/);
    const key = fs.readFileSync(file, 'utf8').trim();
    expect(key).toMatch(/^[A-Za-z0-9_-]{22,}$/);

    // The next start still shows it: nobody has seen it yet.
    const second = await serve(dataDir, port, ownKey);
    children.push(second.child);
    expect(second.output()).toContain(`interviewer key (not used yet; kept in ${file}): ${key}`);

    // Used once (the catalogue asked with it, as the browser does once the key is entered).
    const keyed = await api<{ scenarios: Array<{ tags?: string[] }> }>(`http://127.0.0.1:${port}`, 'GET', '/api/scenarios', { token: key });
    expect(keyed.status).toBe(200);
    expect(keyed.body.scenarios[0]?.tags).toBeDefined();
    second.child.kill('SIGTERM');
    await exited(second.child);

    // From then on a start says where it is and how to read it, without printing it.
    const third = await serve(dataDir, port, ownKey);
    children.push(third.child);
    expect(third.output()).not.toContain(key);
    expect(third.output()).toContain(`interviewer key: in ${file} (cat ${file} prints it)`);
    third.child.kill('SIGTERM');
    await exited(third.child);
  });
});
