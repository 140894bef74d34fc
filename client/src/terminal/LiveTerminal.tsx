import { useEffect, useRef } from 'react';
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import type { Terminal } from '@xterm/xterm';
import { keyboardFocus, TerminalKeysHelp } from './keyboard.js';
import { createTerminal, fitFont } from './xterm.js';
import type { TerminalSocket } from './socket.js';

interface Props {
  socket: TerminalSocket;
  /** The candidate types and decides the size; everyone else watches at the candidate's size. */
  interactive: boolean;
  label: string;
}

/** A live session terminal bound to the socket: output with acks, snapshots, input and resize. */
export function LiveTerminal({ socket, interactive, label }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const term: Terminal = createTerminal({ disableStdin: !interactive, cursorBlink: interactive });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.loadAddon(new WebLinksAddon());
    term.open(box);
    term.textarea?.setAttribute('aria-label', label);
    keyboardFocus(term, () => interactive);
    const disposers: Array<() => void> = [];
    let size = { cols: term.cols, rows: term.rows };

    const watchAt = (cols: number, rows: number) => {
      size = { cols, rows };
      term.options.fontSize = fitFont(box, cols, rows);
      if (term.cols !== cols || term.rows !== rows) term.resize(cols, rows);
    };
    const refit = () => {
      if (interactive) fit.fit();
      else watchAt(size.cols, size.rows);
    };

    if (interactive) {
      fit.fit();
      term.focus();
      const onData = term.onData((data) => socket.sendInput(data));
      const onBinary = term.onBinary((data) => socket.sendInput(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
      const onResize = term.onResize(({ cols, rows }) => socket.sendResize(cols, rows));
      disposers.push(() => onData.dispose(), () => onBinary.dispose(), () => onResize.dispose());
    }

    disposers.push(
      socket.subscribe({
        output: (bytes) => term.write(bytes, () => socket.ack(bytes.length)),
        message: (message) => {
          switch (message.type) {
            case 'hello':
              // The server's screen may be another size than ours: tell it ours before the snapshot lands.
              if (interactive) socket.sendResize(term.cols, term.rows);
              break;
            case 'snapshot':
              term.reset();
              if (!interactive) watchAt(message.cols, message.rows);
              term.write(message.data);
              break;
            case 'resize':
              if (!interactive) watchAt(message.cols, message.rows);
              break;
          }
        },
      }),
    );

    const observer = new ResizeObserver(() => refit());
    observer.observe(box);
    disposers.push(() => observer.disconnect());
    return () => {
      for (const dispose of disposers) dispose();
      term.dispose();
    };
  }, [socket, interactive, label]);

  return (
    <>
      <div className={`terminal-box ${interactive ? 'interactive' : 'watching'}`} ref={boxRef} data-testid="terminal" />
      <TerminalKeysHelp interactive={interactive} />
    </>
  );
}
