import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recorder, RecordingSpace } from '../server/src/terminal/recorder.js';

const lines = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);

describe('asciicast recorder', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-cast-'));

  it('writes a v2 header and o/i/r/m events with non-decreasing times', () => {
    const file = path.join(dir, 'a.cast');
    const r = new Recorder(file, { width: 80, height: 24, title: 't' }, { maxBytes: 1024 });
    r.output('hello é\r\n');
    r.input('ls\r');
    r.resize(100, 30);
    r.marker('note');
    r.close();
    const [header, ...events] = lines(file) as [Record<string, unknown>, ...Array<[number, string, string]>];
    expect(header).toMatchObject({ version: 2, width: 80, height: 24, title: 't' });
    expect(events.map((e) => [e[1], e[2]])).toEqual([
      ['o', 'hello é\r\n'],
      ['i', 'ls\r'],
      ['r', '100x30'],
      ['m', 'note'],
    ]);
  });

  it('continues the same file after a crash: torn last line cut, header kept, times increasing', () => {
    const file = path.join(dir, 'b.cast');
    const first = new Recorder(file, { width: 80, height: 24, title: 't' }, { maxBytes: 1024 });
    first.output('before\r\n');
    first.close();
    fs.appendFileSync(file, '[0.5, "o", "torn');
    const second = new Recorder(file, { width: 80, height: 24, title: 't' }, { maxBytes: 1024 });
    second.output('after\r\n');
    second.close();
    const all = lines(file) as Array<unknown>;
    expect(all.filter((l) => !Array.isArray(l))).toHaveLength(1);
    const events = all.slice(1) as Array<[number, string, string]>;
    expect(events.map((e) => e[2])).toEqual(['before\r\n', 'after\r\n']);
    expect(events[1]![0]).toBeGreaterThanOrEqual(events[0]![0]);
  });

  it('caps the whole file (input, output, resizes, markers) with one marker saying so; keeps an unreadable file aside', () => {
    const file = path.join(dir, 'c.cast');
    const r = new Recorder(file, { width: 80, height: 24, title: 't' }, { maxBytes: 4096 });
    for (let i = 0; i < 200; i++) {
      r.input('x'.repeat(50));
      r.output('y'.repeat(50));
      r.resize(80 + (i % 2), 24);
      r.marker('note');
    }
    r.close();
    expect(fs.statSync(file).size).toBeLessThanOrEqual(4096);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const events = (lines(file) as Array<unknown>).slice(1) as Array<[number, string, string]>;
    const stops = events.filter((e) => e[1] === 'm' && e[2].startsWith('recording stopped'));
    expect(stops).toHaveLength(1);
    expect(events.at(-1)?.[2]).toMatch(/limit per session was reached; input and output past this point were not kept/);
    expect(events.some((e) => e[1] === 'i')).toBe(true);

    // A restart after the cap continues stopped, without a second marker.
    const again = new Recorder(file, { width: 80, height: 24, title: 't' }, { maxBytes: 4096 });
    again.input('more');
    again.close();
    expect((lines(file) as Array<unknown>).slice(1)).toHaveLength(events.length);

    const bad = path.join(dir, 'd.cast');
    fs.writeFileSync(bad, 'not a cast\n');
    new Recorder(bad, { width: 80, height: 24, title: 't' }, { maxBytes: 1024 }).close();
    expect(fs.readdirSync(dir).some((f) => f.startsWith('d.cast.') && f.endsWith('.unreadable'))).toBe(true);
    expect((lines(bad)[0] as { version: number }).version).toBe(2);
  });

  it('caps all recordings of a directory together, counting the files already there', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-casts-'));
    fs.writeFileSync(path.join(root, 'old.cast'), 'z'.repeat(3000));
    const space = new RecordingSpace(root, 8192);
    expect(space.used).toBe(3000);
    const a = new Recorder(path.join(root, 'a.cast'), { width: 80, height: 24, title: 't' }, { maxBytes: 1 << 20, space });
    const b = new Recorder(path.join(root, 'b.cast'), { width: 80, height: 24, title: 't' }, { maxBytes: 1 << 20, space });
    for (let i = 0; i < 100; i++) {
      a.input('a'.repeat(100));
      b.output('b'.repeat(100));
    }
    a.close();
    b.close();
    const total = fs.readdirSync(root).reduce((n, f) => n + fs.statSync(path.join(root, f)).size, 0);
    // Each recorder that stops may use the room kept for its marker.
    expect(total).toBeLessThanOrEqual(8192 + 256);
    for (const f of ['a.cast', 'b.cast']) {
      expect(fs.readFileSync(path.join(root, f), 'utf8')).toContain("the server's space for recordings is full");
    }
    expect(fs.statSync(root).mode & 0o777).toBe(0o700);
    // Recordings deleted (retention, an erased candidate) give their room back.
    fs.rmSync(path.join(root, 'old.cast'));
    space.recount();
    expect(space.used).toBe(total - 3000);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
