import xtermHeadless from '@xterm/headless';
import { SerializeAddon } from '@xterm/addon-serialize';

const { Terminal } = xtermHeadless;

/** Lines of scrollback a late joiner gets with the screen. */
const SCROLLBACK = 1000;

/**
 * A headless xterm that follows the shell's output, so a late joiner or a reconnect gets the
 * current screen at once. Parsing is asynchronous: `pending` counts bytes not yet parsed, which
 * flow control treats like one more reader.
 */
export class Mirror {
  private term: InstanceType<typeof Terminal>;
  private serializer: SerializeAddon;
  pending = 0;

  /** `parsing` is given each terminal made (a reset makes a new one), to hook its parser. */
  constructor(
    cols: number,
    rows: number,
    private readonly parsing?: (term: InstanceType<typeof Terminal>) => void,
  ) {
    [this.term, this.serializer] = this.make(cols, rows);
  }

  private make(cols: number, rows: number): [InstanceType<typeof Terminal>, SerializeAddon] {
    const term = new Terminal({ cols, rows, scrollback: SCROLLBACK, allowProposedApi: true });
    const serializer = new SerializeAddon();
    term.loadAddon(serializer);
    this.parsing?.(term);
    return [term, serializer];
  }

  get cols(): number {
    return this.term.cols;
  }

  get rows(): number {
    return this.term.rows;
  }

  write(text: string, onParsed: () => void): void {
    const size = Buffer.byteLength(text);
    this.pending += size;
    this.term.write(text, () => {
      this.pending -= size;
      onParsed();
    });
  }

  /** Calls back once everything written so far is parsed, with the screen at that point. */
  snapshot(done: (data: string) => void): void {
    const term = this.term;
    term.write('', () => {
      // A reset may have replaced the terminal meanwhile; this one's screen is what was asked for.
      if (term === this.term) done(this.serializer.serialize());
      else done('');
    });
  }

  resize(cols: number, rows: number): void {
    if (cols !== this.term.cols || rows !== this.term.rows) this.term.resize(cols, rows);
  }

  /** Start over with an empty screen (a new shell after a reset). */
  reset(): void {
    const { cols, rows } = this.term;
    this.term.dispose();
    [this.term, this.serializer] = this.make(cols, rows);
    this.pending = 0;
  }

  dispose(): void {
    this.term.dispose();
  }
}
