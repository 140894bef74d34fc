import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandLog, MAX_COMMANDS_PER_SESSION, MAX_OUTPUT_CHARS_PER_SESSION, SessionStore, revealingLabels, type SessionRecord } from '../server/src/sessions/index.js';
import { Mirror } from '../server/src/terminal/mirror.js';
import { MAX_COMMAND_CHARS, MAX_OUTPUT_CHARS, ShellMarks, commandMarker, unescape, type ShellCommand } from '../server/src/terminal/shell-marks.js';

const ESC = '\x1b';
const BEL = '\x07';
const osc = (body: string, end = BEL) => `${ESC}]${body}${end}`;
/** What the lab bashrc prints around one command, as the shell does. */
function prompt(host: string, cwd: string, status?: number, pid = '100'): string {
  const ended = status === undefined ? '' : osc(`133;D;${status}`);
  return `${osc(`633;P;Host=${host}`)}${osc(`633;P;Pid=${pid}`)}${osc(`633;P;Cwd=${cwd}`)}${ended}${osc('133;A')}root@${host}:${cwd}# ${osc('133;B')}`;
}
function run(line: string, escaped = line): string {
  return `${line}\r\n${osc(`633;E;${escaped}`)}${osc('133;C')}\r`;
}

function harness() {
  const commands: ShellCommand[] = [];
  const started: string[] = [];
  const lost: string[] = [];
  const silent: string[] = [];
  let now = 1_000_000;
  const marks = new ShellMarks(
    {
      started: (host, command) => started.push(commandMarker(host, command)),
      command: (c) => commands.push(c),
      lost: (host) => lost.push(host),
      silent: (host) => silent.push(host),
    },
    () => (now += 250),
  );
  const mirror = new Mirror(80, 24, (term) => marks.attach(term));
  const write = (text: string) => new Promise<void>((resolve) => mirror.write(text, resolve));
  const screen = () => new Promise<string>((resolve) => mirror.snapshot(resolve));
  const advance = (ms: number) => {
    now += ms;
  };
  return { marks, commands, started, lost, silent, advance, mirror, write, screen };
}

describe('shell marks', () => {
  it('turns one prompt-command-output-prompt cycle into a command', async () => {
    const h = harness();
    await h.write(prompt('ws', '/root') + run('dig +short web') + 'hello\r\nworld\r\n' + prompt('ws', '/root', 0));
    await h.write(run('false') + prompt('ws', '/root', 1));
    expect(h.commands).toHaveLength(2);
    expect(h.commands[0]).toMatchObject({ host: 'ws', cwd: '/root', command: 'dig +short web', exit: 0, output: 'hello\nworld', outputTruncated: false });
    expect(h.commands[0]?.durationMs).toBeGreaterThan(0);
    expect(h.commands[1]).toMatchObject({ command: 'false', exit: 1, output: '' });
    expect(h.started).toEqual(['command ws $ dig +short web', 'command ws $ false']);
    // Nothing of the marks shows on the screen.
    expect(await h.screen()).not.toContain('133');
    h.mirror.dispose();
  });

  it('reads marks split anywhere across chunks, one byte at a time', async () => {
    const h = harness();
    const stream = prompt('ns', '/etc/bind') + run('cat a\\x3bb', 'cat a\\x3bb'.replace('a\\x3bb', 'a\\\\x3bb')) + 'x\r\n' + prompt('ns', '/etc/bind', 2);
    for (const ch of stream) await h.write(ch);
    expect(h.commands).toEqual([expect.objectContaining({ host: 'ns', cwd: '/etc/bind', command: 'cat a\\x3bb', exit: 2, output: 'x' })]);
    h.mirror.dispose();
  });

  it("undoes VS Code's escaping and drops control characters", () => {
    expect(unescape('echo a\\x3bb \\\\ c\\x0ad', 100)).toBe('echo a;b \\ c\nd');
    expect(unescape('a\\x1b[31mb\\x07', 100)).toBe('a[31mb');
    expect(unescape('x'.repeat(10_000), 50)).toHaveLength(50);
  });

  it('ignores an end without a start, and notes a lost hook when commands start without ending', async () => {
    const h = harness();
    await h.write(prompt('ws', '/', 0) + osc('133;D;0') + osc('133;D;7'));
    expect(h.commands).toHaveLength(0);
    // PROMPT_COMMAND unset: PS0 still marks starts, nothing marks ends.
    await h.write(run('unset PROMPT_COMMAND') + 'ws# ' + run('ls') + 'ws# ' + run('pwd') + 'ws# ');
    expect(h.commands.map((c) => [c.command, c.exit])).toEqual([
      ['unset PROMPT_COMMAND', null],
      ['ls', null],
    ]);
    expect(h.lost).toEqual(['ws']);
    // Reported once, until the shell reports properly again.
    await h.write(run('id') + 'ws# ');
    expect(h.lost).toEqual(['ws']);
    h.mirror.dispose();
  });

  it('notes a shell gone quiet: lines entered for a while with no prompt, once, and not in a full-screen program', async () => {
    const h = harness();
    // Before any prompt was reported there is nothing to compare with.
    for (let i = 0; i < 6; i++) h.marks.enter();
    h.advance(20_000);
    h.marks.enter();
    expect(h.silent).toEqual([]);
    await h.write(prompt('ws', '/', 0));
    // Both hooks unset: nothing comes back after Enter. Quick Enters (a paste) are not enough.
    for (let i = 0; i < 6; i++) h.marks.enter();
    expect(h.silent).toEqual([]);
    h.advance(11_000);
    h.marks.enter();
    expect(h.silent).toEqual(['ws']);
    h.advance(11_000);
    for (let i = 0; i < 6; i++) h.marks.enter();
    expect(h.silent).toEqual(['ws']);
    // A prompt ends the silence; in the alternate screen (vim, less, top) Enter does not count.
    await h.write(prompt('ws', '/', 0) + '\x1b[?1049h');
    for (let i = 0; i < 6; i++) h.marks.enter();
    h.advance(11_000);
    h.marks.enter();
    expect(h.silent).toEqual(['ws']);
    await h.write('\x1b[?1049l');
    for (let i = 0; i < 6; i++) h.marks.enter();
    h.advance(11_000);
    h.marks.enter();
    expect(h.silent).toEqual(['ws', 'ws']);
    h.mirror.dispose();
  });

  it('keeps a nested shell\'s commands apart: ssh stays open on ws while ns reports its own', async () => {
    const h = harness();
    await h.write(prompt('ws', '/root', 0, '10') + run('ssh ns') + 'Linux ns\r\n');
    // ns's first prompt ends nothing on ws; `exit` there never ends, and ws's D ends both.
    await h.write(prompt('ns', '/root', 0, '77') + run('ls /x') + 'ls: cannot access\r\n' + prompt('ns', '/root', 2, '77'));
    await h.write(run('exit') + 'logout\r\n' + prompt('ws', '/root', 130, '10'));
    expect(h.commands.map((c) => [c.host, c.command, c.exit])).toEqual([
      ['ns', 'ls /x', 2],
      ['ns', 'exit', null],
      ['ws', 'ssh ns', 130],
    ]);
    expect(h.commands[2]?.output).toContain('ls: cannot access');
    // A nested bash on the same host is told apart by its process id.
    await h.write(run('bash') + prompt('ws', '/root', 0, '11') + run('true') + prompt('ws', '/root', 0, '11') + run('exit') + prompt('ws', '/root', 0, '10'));
    expect(h.commands.slice(3).map((c) => [c.command, c.exit])).toEqual([
      ['true', 0],
      ['exit', null],
      ['bash', 0],
    ]);
    expect(h.lost).toEqual([]);
    h.mirror.dispose();
  });

  it('survives forged, malformed and hostile sequences without breaking the screen', async () => {
    const h = harness();
    await h.write(prompt('ws', '/'));
    // A huge command line, a bad exit status, a forged host with escapes in it.
    await h.write(run('x', 'y'.repeat(200_000)) + prompt('ws', '/', 999));
    await h.write(osc('633;P;Host=evil\\x1b]133;D;0\\x07') + run('a') + osc('133;D;NaN') + prompt('ws', '/'));
    // Unterminated OSC, nested ESC, binary junk, an OSC cut by CAN, all followed by plain text.
    await h.write(`${ESC}]133;C;${'z'.repeat(50_000)}${ESC}]133;C\x18plain-1\r\n`);
    await h.write(`${ESC}]633;E;never ended` + '\u0000\u0001\u00ff\ufffd'.repeat(1000));
    await h.write(`${BEL}plain-2\r\n${osc('133;D;abc', `${ESC}\\`)}${osc('133')}${osc('')}${osc('633')}${osc('633;P;Cwd')}plain-3\r\n`);
    const [first, second] = h.commands;
    expect(first?.command).toHaveLength(MAX_COMMAND_CHARS);
    expect(first?.exit).toBeNull();
    expect(second?.host).toBe('evil]133;D;0');
    expect(second?.exit).toBeNull();
    for (const c of h.commands) {
      expect(c.command.length).toBeLessThanOrEqual(MAX_COMMAND_CHARS);
      expect(c.output.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS + 200);
    }
    const screen = await h.screen();
    expect(screen).toContain('plain-1');
    expect(screen).toContain('plain-3');
    h.mirror.dispose();
  });

  it('caps a long output, keeping its start and its end', async () => {
    const h = harness();
    const lines = Array.from({ length: 600 }, (_, i) => `line ${i} ${'-'.repeat(60)}`);
    await h.write(prompt('ws', '/') + run('seq') + lines.join('\r\n') + '\r\n' + prompt('ws', '/', 0));
    const output = h.commands[0]?.output ?? '';
    expect(h.commands[0]?.outputTruncated).toBe(true);
    expect(output.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS + 200);
    expect(output).toContain('line 0 ');
    expect(output).toContain('line 599 ');
    expect(output).toContain('characters cut');
    h.mirror.dispose();
  });

  it('follows the new terminal after a reset, with no command left open', async () => {
    const h = harness();
    await h.write(prompt('ws', '/') + run('sleep 100'));
    h.mirror.reset();
    await h.write(prompt('ws', '/', 0) + run('echo again') + 'again\r\n' + prompt('ws', '/', 0));
    expect(h.commands.map((c) => c.command)).toEqual(['echo again']);
    expect(h.commands[0]?.output).toBe('again');
    h.mirror.dispose();
  });

  it('writes one-line recording markers whatever the command line holds', () => {
    expect(commandMarker('ws', 'echo a\n  b')).toBe('command ws $ echo a b');
    expect(commandMarker('', 'x'.repeat(500))).toMatch(/^command \? \$ x{200}…$/);
    expect(commandMarker('a b', 'ls')).toBe('command a_b $ ls');
  });
});

describe('revealing commands', () => {
  const rules = [
    { pattern: 'dig .*@?ns', label: 'asked the name server' },
    { pattern: '(unclosed', label: 'broken pattern' },
    { pattern: '^ss -ltnp', label: 'listening sockets', hosts: ['web'] },
  ];
  it('matches by pattern and host, skipping a pattern that does not compile', () => {
    expect(revealingLabels(rules, 'ws', 'dig web @ns')).toEqual(['asked the name server']);
    expect(revealingLabels(rules, 'ws', 'ss -ltnp')).toEqual([]);
    expect(revealingLabels(rules, 'web', 'ss -ltnp')).toEqual(['listening sockets']);
    expect(revealingLabels([], 'web', 'ss -ltnp')).toEqual([]);
  });
});

describe('command log', () => {
  const command = (n: number): ShellCommand => ({
    host: 'ws',
    cwd: '/',
    command: `echo ${n}`,
    exit: 0,
    startedAt: new Date(1_000_000 + n).toISOString(),
    durationMs: 5,
    output: String(n),
    outputTruncated: false,
  });
  function open(dir: string): { store: SessionStore; log: CommandLog } {
    const store = new SessionStore(path.join(dir, 'faultline.db'));
    return { store, log: new CommandLog(store.db) };
  }
  function session(store: SessionStore, id: string): void {
    store.save({ id, scenarioId: 's', mode: 'interview', state: 'ready', createdAt: new Date().toISOString(), tokenHashes: {} } as unknown as SessionRecord);
  }

  it('keeps commands and their output across a restart, within a budget per session', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-commands-'));
    try {
      let { store, log } = open(dir);
      session(store, 'a');
      session(store, 'b');
      const first = log.add('a', command(1), [{ pattern: 'echo', label: 'echoed' }]);
      expect(first).toMatchObject({ kind: 'command', command: 'echo 1', revealing: ['echoed'], hasOutput: true });
      log.notice('a', 'shell integration stopped reporting on ws');
      store.close();
      ({ store, log } = open(dir));
      const listed = log.list('a');
      expect(listed).toHaveLength(2);
      expect(listed[0]).toMatchObject({ kind: 'command', command: 'echo 1', exit: 0, hasOutput: true });
      expect(listed[1]).toMatchObject({ kind: 'notice', text: 'shell integration stopped reporting on ws' });
      expect(log.output('a', listed[0]?.id ?? 0)).toEqual({ output: '1', outputTruncated: false });
      expect(log.output('b', listed[0]?.id ?? 0)).toBeUndefined();
      for (let i = 0; i < MAX_COMMANDS_PER_SESSION + 50; i++) log.add('b', command(i), []);
      const b = log.list('b');
      expect(b).toHaveLength(MAX_COMMANDS_PER_SESSION + 1);
      expect(b.at(-1)).toMatchObject({ kind: 'notice' });
      expect(log.notice('b', 'more')).toBeUndefined();
      store.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps output only within a budget per session, also across a restart', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-commands-'));
    try {
      let { store, log } = open(dir);
      session(store, 'c');
      const big = (n: number): ShellCommand => ({ ...command(n), output: 'x'.repeat(16 * 1024) });
      const fit = MAX_OUTPUT_CHARS_PER_SESSION / (16 * 1024);
      for (let i = 0; i < fit; i++) expect(log.add('c', big(i), [])).toMatchObject({ hasOutput: true, outputTruncated: false });
      expect(log.add('c', big(fit), [])).toMatchObject({ hasOutput: false, outputTruncated: true });
      store.close();
      ({ store, log } = open(dir));
      expect(log.add('c', big(fit + 1), [])).toMatchObject({ hasOutput: false, outputTruncated: true });
      expect(log.list('c')).toHaveLength(fit + 2);
      store.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
