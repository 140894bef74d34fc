import { useEffect, useMemo, useRef, useState } from 'react';
import { FitAddon } from '@xterm/addon-fit';
import { CopyField } from './CopyField.js';
import { createTerminal } from '../terminal/xterm.js';

const PROMPT = '\x1b[38;5;208mpractice\x1b[0m$ ';

/**
 * A terminal that only echoes, in this browser: the candidate tries the keyboard, copy and paste
 * before the real one opens. A line to paste tells whether pasting reaches a terminal here.
 */
export function ScratchTerminal() {
  const boxRef = useRef<HTMLDivElement>(null);
  const line = useMemo(() => `echo paste-check-${Math.random().toString(36).slice(2, 8)}`, []);
  const [pasted, setPasted] = useState(false);
  const [typed, setTyped] = useState(false);

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const term = createTerminal({ scrollback: 200 });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(box);
    fit.fit();
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(box);
    term.textarea?.setAttribute('aria-label', 'Practice terminal: type or paste here; nothing leaves this page. Tab moves on.');
    // Nothing here completes on Tab: it moves focus on, so the terminal is no keyboard trap.
    term.attachCustomKeyEventHandler((e) => !(e.type === 'keydown' && e.key === 'Tab' && !e.ctrlKey && !e.altKey && !e.metaKey));
    term.write(`Nothing typed here leaves this page. Try typing, and paste the line above.\r\n${PROMPT}`);
    let current = '';
    const onData = term.onData((data) => {
      // A paste arrives as one chunk (wrapped in bracketed-paste marks where the shell asked for them).
      const text = data.replaceAll('\x1b[200~', '').replaceAll('\x1b[201~', '');
      if (text.length > 1 && text.includes(line)) setPasted(true);
      for (const ch of text) {
        if (ch === '\r' || ch === '\n') {
          term.write(`\r\n${current.trim() === line ? `${line.slice(5)}\r\n` : ''}${PROMPT}`);
          current = '';
        } else if (ch === '\x7f' || ch === '\b') {
          if (current.length > 0) {
            current = current.slice(0, -1);
            term.write('\b \b');
          }
        } else if (ch >= ' ') {
          current += ch;
          term.write(ch);
          setTyped(true);
        }
      }
    });
    return () => {
      observer.disconnect();
      onData.dispose();
      term.dispose();
    };
  }, [line]);

  return (
    <section className="panel lobby-scratch" aria-labelledby="scratch-title">
      <h2 id="scratch-title">Try the terminal</h2>
      <CopyField label="Line to paste" value={line} hint="copy it, then paste it into the terminal below" openable={false} />
      <div className="terminal-box scratch-box" ref={boxRef} data-testid="scratch-terminal" />
      <p role="status" aria-live="polite" className="small" data-testid="paste-check" data-result={pasted ? 'pass' : 'waiting'}>
        {pasted ? (
          <span className="verdict good">
            <span aria-hidden="true">✓ </span>Paste works: the line arrived in the terminal.
          </span>
        ) : typed ? (
          'Typing works. Now paste the line above (Ctrl+Shift+V, Cmd+V or right click → Paste).'
        ) : (
          'Click the terminal, then type or paste.'
        )}
      </p>
    </section>
  );
}
