import type { Shell } from '../server/src/runtime/exec.js';

/** Terminal control sequences (colours, bracketed paste) that the prompt adds around output. */
const CSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[a-zA-Z]`, 'g');

/**
 * Types commands into an interactive TTY shell (the same exec path the browser terminal uses)
 * and returns what each printed, delimited by a marker the shell computes so the echoed input
 * never matches it.
 */
export class ShellDriver {
  private buffer = '';
  private counter = 0;

  constructor(readonly shell: Shell) {
    shell.stream.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      if (this.buffer.length > 1_000_000) this.buffer = this.buffer.slice(-500_000);
    });
  }

  async run(command: string, timeoutMs = 20_000): Promise<{ output: string; exitCode: number }> {
    const n = ++this.counter + 1000;
    const start = this.buffer.length;
    this.shell.stream.write(`echo "__BEGIN_$((${n}+0))__"; ${command}; echo "__END_$((${n}+0))_$?__"\n`);
    const marker = new RegExp(`__BEGIN_${n}__\\r?\\n([\\s\\S]*?)__END_${n}_(\\d+)__`);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const tail = this.buffer.slice(start);
      const match = marker.exec(tail);
      if (match) {
        const output = (match[1] ?? '').replace(CSI, '').replace(/\r/g, '');
        return { output, exitCode: Number(match[2]) };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no answer to "${command}" within ${timeoutMs} ms; screen tail: ${this.buffer.slice(-400)}`);
  }

  close(): void {
    this.shell.stream.end();
  }
}
