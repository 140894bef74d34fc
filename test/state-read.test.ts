import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { readStateIntoChecker } from '../server/src/runtime/checker.js';

type Entry = { name: string; type: 'file' | 'directory' | 'symlink'; content?: string; linkname?: string; mtime?: Date };

async function tar(entries: Entry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const e of entries) {
    if (e.type === 'file') pack.entry({ name: e.name, type: 'file', mtime: e.mtime ?? new Date() }, e.content ?? '');
    else pack.entry({ name: e.name, type: e.type, linkname: e.linkname });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function untar(archive: Buffer, mtimes: Record<string, number> = {}): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const extract = tarStream.extract();
  Readable.from(archive).pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    files[entry.header.name] = Buffer.concat(chunks).toString();
    mtimes[entry.header.name] = entry.header.mtime?.getTime() ?? 0;
  }
  return files;
}

/**
 * An engine that answers the archive API as dockerd does: entries named after the path's last
 * element, a folder first, symbolic links as links, 404 for a missing path.
 */
function engine(paths: Record<string, Entry[]>): { docker: Docker; copied: (mtimes?: Record<string, number>) => Promise<Record<string, string>> } {
  let put: Buffer | undefined;
  const container = {
    getArchive: async ({ path }: { path: string }) => {
      const entries = paths[path];
      if (!entries) throw Object.assign(new Error('no such file'), { statusCode: 404 });
      return Readable.from(await tar(entries));
    },
    putArchive: async (archive: Buffer) => {
      put = archive;
    },
  };
  return {
    docker: { getContainer: () => container } as unknown as Docker,
    copied: async (mtimes) => untar(put ?? Buffer.alloc(0), mtimes),
  };
}

const containers = { ws: 'ws-id', checker: 'checker-id' };

describe('host state read into the checker', () => {
  it('copies a file, every regular file under a folder (each with its mtime), and nothing for a missing path or a link', async () => {
    const written = new Date('2026-01-02T03:04:05Z');
    const { docker, copied } = engine({
      '/etc/ca-certificates.conf': [{ name: 'ca-certificates.conf', type: 'file', content: 'mozilla/A.crt\n' }],
      '/usr/local/share/ca-certificates': [
        { name: 'ca-certificates/', type: 'directory' },
        { name: 'ca-certificates/root.crt', type: 'file', content: 'ROOT' },
        { name: 'ca-certificates/linked.crt', type: 'symlink', linkname: '/root/elsewhere.crt' },
        { name: 'ca-certificates/team/', type: 'directory' },
        { name: 'ca-certificates/team/issuing.crt', type: 'file', content: 'ISSUING', mtime: written },
      ],
      '/etc/ssl/certs/lab.pem': [{ name: 'lab.pem', type: 'symlink', linkname: '/usr/local/share/ca-certificates/root.crt' }],
    });
    const dir = await readStateIntoChecker(
      docker,
      containers,
      'trust',
      [
        { host: 'ws', path: '/etc/ca-certificates.conf' },
        { host: 'ws', path: '/usr/local/share/ca-certificates' },
        { host: 'ws', path: '/etc/ssl/certs/lab.pem' },
        { host: 'ws', path: '/etc/missing.conf' },
      ],
      5000,
    );
    const base = dir.replace(/^\/+/, '');
    const mtimes: Record<string, number> = {};
    expect(await copied(mtimes)).toEqual({
      [`${base}/ws/etc/ca-certificates.conf`]: 'mozilla/A.crt\n',
      [`${base}/ws/usr/local/share/ca-certificates/root.crt`]: 'ROOT',
      [`${base}/ws/usr/local/share/ca-certificates/team/issuing.crt`]: 'ISSUING',
      [`${base}/.read`]: '',
    });
    expect(mtimes[`${base}/ws/usr/local/share/ca-certificates/team/issuing.crt`]).toBe(written.getTime());
  });

  it('refuses a folder whose files together are larger than the limit', async () => {
    const big = 'x'.repeat(600 * 1024);
    const { docker } = engine({
      '/var/www': [
        { name: 'www/', type: 'directory' },
        { name: 'www/a.html', type: 'file', content: big },
        { name: 'www/b.html', type: 'file', content: big },
      ],
    });
    await expect(readStateIntoChecker(docker, containers, 'www', [{ host: 'ws', path: '/var/www' }], 5000)).rejects.toThrow(
      /\/var\/www on ws holds more than 1048576 bytes of files; the check does not read it/,
    );
  });
});
