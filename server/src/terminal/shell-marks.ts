import type { Terminal } from '@xterm/headless';
import type { ReportedCommand } from '../sessions/index.js';

/**
 * Shell integration marks, read from the terminal stream by the mirror's parser (which copes
 * with split chunks and malformed sequences; it drops OSC payloads past its own limit). The lab
 * shell (scenarios/images/tools/bashrc, docs/shell-integration.md) emits:
 *   OSC 133;A  prompt start        (OSC 133;B, prompt end, is not emitted and not needed)
 *   OSC 133;C  output starts       OSC 133;D;<exit>  the command ended
 *   OSC 633;E;<command line>       OSC 633;P;Host=<host>  OSC 633;P;Pid=<shell pid>  OSC 633;P;Cwd=<dir>
 * with VS Code's escaping (\\ for a backslash, \xHH for `;` and control characters).
 * Anything here can be printed by the candidate: it is what the shell reported, never evidence.
 */

/** Longest command line, host and directory kept (characters). */
export const MAX_COMMAND_CHARS = 2000;
const MAX_FIELD_CHARS = 256;
/** Output kept per command: its start and its end, the middle cut. */
export const MAX_OUTPUT_CHARS = 16 * 1024;
const OUTPUT_HEAD_CHARS = 4 * 1024;
/** Commands in a row that began without the previous one ending: the prompt hook is gone. */
const LOST_AFTER = 2;
/**
 * Lines entered at a shell that had been reporting, with no prompt mark since, before the
 * interviewer is told the shell went quiet (its hooks unset, or a program reading those lines).
 */
const SILENT_ENTERS = 5;
const SILENT_MS = 10_000;

/** A command as its shell reported it (exit null: the shell never said, or not with a number). */
export type ShellCommand = ReportedCommand;

export interface ShellMarksSink {
  /** A command began (for a recording marker at its start). */
  started(host: string, command: string): void;
  command(command: ShellCommand): void;
  /** Commands are starting without ending: the shell's prompt hook was removed on this host. */
  lost(host: string): void;
  /** Lines were entered and no prompt came back for a while: the hooks may have been unset. */
  silent(host: string): void;
}

interface Open {
  host: string;
  /** The reporting shell: host and process id (a nested shell on the same host differs). */
  shell: string;
  cwd: string;
  command: string;
  start: number;
  /** Where its output starts in the mirror's buffer; none if the buffer refused one. */
  marker: ReturnType<Terminal['registerMarker']>;
}

/** Shells inside shells (`ssh ns`, `bash`) whose commands are open at once; deeper ones close the outermost. */
const MAX_NESTED = 8;

/**
 * Follows one terminal's marks; attach() it to each terminal the mirror makes (a reset makes a new
 * one). Commands nest: `ssh ns` stays open on ws while ns reports its own; a shell's identity
 * (Host, Pid, reported before D and A at each prompt) says which open command a D ends.
 */
export class ShellMarks {
  private host = '';
  private pid = '';
  private cwd = '';
  private line: string | undefined;
  /** Open commands, outermost first. */
  private open: Open[] = [];
  private unended = 0;
  private lostReported = false;
  /** A prompt was reported since attach: from then on, silence means something. */
  private prompted = false;
  private silentSince: number | undefined;
  private silentEnters = 0;
  private silenceReported = false;
  private term: Terminal | undefined;

  constructor(
    private readonly sink: ShellMarksSink,
    private readonly now: () => number = Date.now,
  ) {}

  attach(term: Terminal): void {
    this.term = term;
    this.open = [];
    this.line = undefined;
    term.parser.registerOscHandler(133, (data) => this.semantic(data));
    term.parser.registerOscHandler(633, (data) => this.extended(data));
  }

  private get shell(): string {
    return `${this.host}#${this.pid}`;
  }

  private semantic(data: string): boolean {
    const kind = data.charAt(0);
    if (data.length > 1 && data.charAt(1) !== ';') return true;
    if (kind === 'A') this.promptShown();
    else if (kind === 'C') this.commandStarts();
    else if (kind === 'D') this.commandEnds(data.slice(2));
    return true;
  }

  private extended(data: string): boolean {
    if (data.startsWith('E;')) {
      // A command line may carry a nonce after a second `;` (VS Code); only the line is kept.
      const end = data.indexOf(';', 2);
      this.line = unescape(data.slice(2, end < 0 ? undefined : end), MAX_COMMAND_CHARS);
    } else if (data.startsWith('P;Host=')) {
      this.host = unescape(data.slice(7), MAX_FIELD_CHARS);
    } else if (data.startsWith('P;Pid=')) {
      this.pid = unescape(data.slice(6), MAX_FIELD_CHARS);
    } else if (data.startsWith('P;Cwd=')) {
      this.cwd = unescape(data.slice(6), MAX_FIELD_CHARS);
    }
    return true;
  }

  /**
   * The candidate pressed Enter. In a shell that reported prompts before, lines entered for a while
   * with no prompt since mean the hooks are gone, or a program (not a full-screen one: those use
   * the alternate screen, which does not count) is reading them: either way worth a note.
   */
  enter(): void {
    const term = this.term;
    if (!this.prompted || !term || term.buffer.active.type === 'alternate') return;
    const now = this.now();
    this.silentSince ??= now;
    this.silentEnters += 1;
    if (this.silentEnters >= SILENT_ENTERS && now - this.silentSince >= SILENT_MS && !this.silenceReported) {
      this.silenceReported = true;
      this.sink.silent(this.host);
    }
  }

  private promptShown(): void {
    this.prompted = true;
    this.silentSince = undefined;
    this.silentEnters = 0;
    this.silenceReported = false;
  }

  private commandStarts(): void {
    const term = this.term;
    if (!term) return;
    const top = this.open.at(-1);
    if (top?.shell === this.shell) {
      // This shell starts a command without having ended the last: its prompt hook is gone.
      this.open.pop();
      this.unended += 1;
      this.finish(top, null);
      if (this.unended >= LOST_AFTER && !this.lostReported) {
        this.lostReported = true;
        this.sink.lost(this.host);
      }
    }
    if (this.open.length >= MAX_NESTED) {
      const outermost = this.open.shift();
      if (outermost) this.finish(outermost, null);
    }
    const open: Open = { host: this.host, shell: this.shell, cwd: this.cwd, command: this.line ?? '', start: this.now(), marker: term.registerMarker(0) };
    this.open.push(open);
    this.line = undefined;
    this.sink.started(open.host, open.command);
  }

  /**
   * The reporting shell's command ended. Commands opened inside it (a shell that exited without
   * ending its last one, like `exit` on ns) end too, status unknown. A D from a shell with no open
   * command (a nested shell's first prompt) ends nothing.
   */
  private commandEnds(status: string): void {
    const at = this.open.findLastIndex((o) => o.shell === this.shell);
    if (at < 0) return;
    this.unended = 0;
    this.lostReported = false;
    const ended = this.open.splice(at);
    for (const inner of ended.slice(1).reverse()) this.finish(inner, null);
    const open = ended[0];
    if (open) this.finish(open, /^\d{1,3}$/.test(status) && Number(status) <= 255 ? Number(status) : null);
  }

  private finish(open: Open, exit: number | null): void {
    const { output, truncated } = this.output(open);
    open.marker?.dispose();
    const end = this.now();
    this.sink.command({
      host: open.host,
      cwd: open.cwd,
      command: open.command,
      exit,
      startedAt: new Date(open.start).toISOString(),
      durationMs: Math.max(0, end - open.start),
      output,
      outputTruncated: truncated,
    });
  }

  /** The screen text from the command's start to the cursor (colours dropped, wrapped lines joined). */
  private output(open: Open): { output: string; truncated: boolean } {
    const term = this.term;
    if (!term) return { output: '', truncated: false };
    const buffer = term.buffer.normal;
    const last = buffer.baseY + buffer.cursorY;
    // Scrolled out of the mirror's scrollback: what is left of it.
    const marker = open.marker;
    const scrolledOut = !marker || marker.isDisposed || marker.line < 0;
    const first = scrolledOut ? 0 : marker.line;
    // Bounded by the mirror's scrollback (a thousand lines).
    const lines: string[] = [];
    for (let y = first; y <= last; y++) {
      const line = buffer.getLine(y);
      if (!line) continue;
      const text = y === last ? line.translateToString(true, 0, buffer.cursorX) : line.translateToString(true);
      if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    let text = lines.join('\n');
    let truncated = scrolledOut;
    if (text.length > MAX_OUTPUT_CHARS) {
      const tail = MAX_OUTPUT_CHARS - OUTPUT_HEAD_CHARS;
      text = `${text.slice(0, OUTPUT_HEAD_CHARS)}\n[… ${text.length - MAX_OUTPUT_CHARS} characters cut …]\n${text.slice(-tail)}`;
      truncated = true;
    }
    return { output: scrolledOut ? `[… the start scrolled out of the server's copy of the screen …]\n${text}` : text, truncated };
  }
}

/** VS Code's escaping undone; other control characters dropped; capped. */
export function unescape(value: string, max: number): string {
  const text = value.slice(0, max * 4).replace(/\\(\\|x([0-9a-fA-F]{2}))/g, (_m, what: string, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : what));
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').slice(0, max);
}

/** Longest command line written into a recording marker. */
const MARKER_COMMAND_CHARS = 200;

/** The recording marker at a command's start: `command <host> $ <line>` (the replay lists it). */
export function commandMarker(host: string, command: string): string {
  const line = command.replace(/\s+/g, ' ').trim();
  const cut = line.length > MARKER_COMMAND_CHARS ? `${line.slice(0, MARKER_COMMAND_CHARS)}…` : line;
  return `command ${host.replace(/\s+/g, '_') || '?'} $ ${cut}`;
}
