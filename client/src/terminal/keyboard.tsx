import type { Terminal } from '@xterm/xterm';

/** The element that tells screen readers (and the README) how to leave a terminal by keyboard. */
export const TERMINAL_KEYS_HELP_ID = 'terminal-keys-help';

export const TERMINAL_KEYS_HELP = {
  interactive: 'Tab and Shift+Tab go to the shell. To leave the terminal by keyboard, press Escape, then Tab (or Shift+Tab).',
  readOnly: 'Read-only terminal: Tab and Shift+Tab move on to the next control.',
} as const;

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock']);

/**
 * Keyboard focus in and out of a terminal. Tab belongs to the shell (completion), and so does
 * Escape (vim, readline), so neither alone may leave. Escape followed by Tab or Shift+Tab does, as
 * in browser code editors: the Escape still reaches the shell, the Tab does not and moves focus
 * like anywhere else on the page. A read-only terminal has no use for Tab, so it always moves on
 * (asked at each key: a terminal may start or stop taking input).
 * The help text is linked to the terminal's input for screen readers.
 */
export function keyboardFocus(term: Terminal, interactive: () => boolean): void {
  let escaped = false;
  term.attachCustomKeyEventHandler((event) => {
    if (event.type !== 'keydown') return true;
    if (event.key === 'Tab' && !event.ctrlKey && !event.altKey && !event.metaKey && (escaped || !interactive())) {
      escaped = false;
      // Not handled by xterm, so not cancelled: the browser moves focus.
      return false;
    }
    if (event.key === 'Escape') escaped = true;
    else if (!MODIFIERS.has(event.key)) escaped = false;
    return true;
  });
  const input = term.textarea;
  if (input) {
    const described = new Set((input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean));
    described.add(TERMINAL_KEYS_HELP_ID);
    input.setAttribute('aria-describedby', [...described].join(' '));
  }
}

/** The help for screen readers, next to the terminal it describes (visually hidden: the caption shows a short form). */
export function TerminalKeysHelp({ interactive }: { interactive: boolean }) {
  return (
    <p id={TERMINAL_KEYS_HELP_ID} className="sr-only">
      {interactive ? TERMINAL_KEYS_HELP.interactive : TERMINAL_KEYS_HELP.readOnly}
    </p>
  );
}
