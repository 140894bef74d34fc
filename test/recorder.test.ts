import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recorder } from '../server/src/terminal/recorder.js';

const lines = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);

describe('asciicast recorder', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-cast-'));

  it('writes a v2 header and o/i/r/m events with non-decreasing times', () => {
    const file = path.join(dir, 'a.cast');
    const r = new Recorder(file, { width: 80, height: 24, title: 't' }, 1024);
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
    const first = new Recorder(file, { width: 80, height: 24, title: 't' }, 1024);
    first.output('before\r\n');
    first.close();
    fs.appendFileSync(file, '[0.5, "o", "torn');
    const second = new Recorder(file, { width: 80, height: 24, title: 't' }, 1024);
    second.output('after\r\n');
    second.close();
    const all = lines(file) as Array<unknown>;
    expect(all.filter((l) => !Array.isArray(l))).toHaveLength(1);
    const events = all.slice(1) as Array<[number, string, string]>;
    expect(events.map((e) => e[2])).toEqual(['before\r\n', 'after\r\n']);
    expect(events[1]![0]).toBeGreaterThanOrEqual(events[0]![0]);
  });

  it('stops recording output past the limit, with a marker, and keeps an unreadable file aside', () => {
    const file = path.join(dir, 'c.cast');
    const r = new Recorder(file, { width: 80, height: 24, title: 't' }, 10);
    r.output('12345');
    r.output('67890abcdef');
    r.output('more');
    r.marker('hint 1');
    r.close();
    const events = (lines(file) as Array<unknown>).slice(1) as Array<[number, string, string]>;
    expect(events.map((e) => e[2])).toEqual(['12345', 'recording truncated: output limit reached', 'hint 1']);

    const bad = path.join(dir, 'd.cast');
    fs.writeFileSync(bad, 'not a cast\n');
    new Recorder(bad, { width: 80, height: 24, title: 't' }, 10).close();
    expect(fs.readdirSync(dir).some((f) => f.startsWith('d.cast.') && f.endsWith('.unreadable'))).toBe(true);
    expect((lines(bad)[0] as { version: number }).version).toBe(2);
  });
});
