import { Terminal, type ITerminalOptions } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';

/** The product's terminal look, shared by the live terminals and the replay. */
export const TERMINAL_OPTIONS: ITerminalOptions = {
  fontFamily: '"JetBrains Mono", "Fira Code", "DejaVu Sans Mono", Menlo, Consolas, monospace',
  fontSize: 14,
  lineHeight: 1.15,
  cursorBlink: true,
  scrollback: 5000,
  allowProposedApi: false,
  theme: {
    background: '#0b0f16',
    foreground: '#d7dde8',
    cursor: '#ff9a4d',
    cursorAccent: '#0b0f16',
    selectionBackground: '#ff9a4d55',
    black: '#1b2230',
    red: '#ff6b6b',
    green: '#5fd38d',
    yellow: '#f5c26b',
    blue: '#6cb6ff',
    magenta: '#c792ea',
    cyan: '#5ccfe6',
    white: '#d7dde8',
    brightBlack: '#5c6679',
    brightRed: '#ff8787',
    brightGreen: '#7ee2a8',
    brightYellow: '#ffd58a',
    brightBlue: '#8cc8ff',
    brightMagenta: '#d7a8f5',
    brightCyan: '#85e0f0',
    brightWhite: '#ffffff',
  },
};

export function createTerminal(options: ITerminalOptions = {}): Terminal {
  return new Terminal({ ...TERMINAL_OPTIONS, ...options });
}

/**
 * The smallest font a watcher's mirror of the candidate's terminal shrinks to: below it the text
 * is no longer legible on a laptop, so the mirror scrolls instead (README, "Screens and keyboard").
 */
export const MIN_MIRROR_FONT_PX = 11;

/**
 * Largest font (11–15 px) at which a cols×rows screen fits the box, so watchers see it whole
 * where there is room; where there is not, the font stays at the legible minimum.
 */
export function fitFont(box: HTMLElement, cols: number, rows: number): number {
  const byWidth = (box.clientWidth - 16) / (cols * 0.61);
  const byHeight = (box.clientHeight - 16) / (rows * 1.36);
  return Math.max(MIN_MIRROR_FONT_PX, Math.min(15, Math.floor(Math.min(byWidth, byHeight))));
}
