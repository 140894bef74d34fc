import { useEffect, useRef } from 'react';
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import type { Terminal } from '@xterm/xterm';
import { keyboardFocus, TerminalKeysHelp } from './keyboard.js';
import { TERMINAL_OPTIONS, createTerminal, fitFont } from './xterm.js';
import type { TerminalSocket } from './socket.js';

interface Props {
  socket: TerminalSocket;
  /** The candidate types and decides the size; everyone else watches at the candidate's size. */
  interactive: boolean;
  /** For the candidate: whether this tab drives the shell (another tab of the same link may); it watches while not. */
  active?: boolean;
  label: string;
}

/** A live session terminal bound to the socket: output with acks, snapshots, input and resize. */
export function LiveTerminal({ socket, interactive, active = true, label }: Props) {
  const boxRef = useRef<HTMLDivElement>(null);
  const drivingRef = useRef(interactive && active);
  const driveRef = useRef<(on: boolean) => void>(undefined);

  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const driving = () => drivingRef.current;
    const term: Terminal = createTerminal({ disableStdin: !driving(), cursorBlink: driving() });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.loadAddon(new WebLinksAddon());
    term.open(box);
    term.textarea?.setAttribute('aria-label', label);
    keyboardFocus(term, driving);
    const disposers: Array<() => void> = [];
    let size = { cols: term.cols, rows: term.rows };

    const watchAt = (cols: number, rows: number) => {
      size = { cols, rows };
      term.options.fontSize = fitFont(box, cols, rows);
      if (term.cols !== cols || term.rows !== rows) term.resize(cols, rows);
    };
    const refit = () => {
      if (driving()) fit.fit();
      else watchAt(size.cols, size.rows);
    };
    // A tab that takes over sizes the shell to itself; one that hands over watches at the other's size.
    driveRef.current = (on) => {
      term.options.disableStdin = !on;
      term.options.cursorBlink = on;
      if (!on) {
        watchAt(size.cols, size.rows);
        return;
      }
      term.options.fontSize = TERMINAL_OPTIONS.fontSize;
      fit.fit();
      socket.sendResize(term.cols, term.rows);
      term.focus();
    };

    if (interactive) {
      const onData = term.onData((data) => {
        if (driving()) socket.sendInput(data);
      });
      const onBinary = term.onBinary((data) => {
        if (driving()) socket.sendInput(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff));
      });
      const onResize = term.onResize(({ cols, rows }) => {
        if (driving()) socket.sendResize(cols, rows);
      });
      disposers.push(() => onData.dispose(), () => onBinary.dispose(), () => onResize.dispose());
    }
    if (driving()) {
      fit.fit();
      term.focus();
      // Mounted on a socket that is already open (the lobby's, once the interviewer started): its hello has passed.
      if (socket.state === 'open') socket.sendResize(term.cols, term.rows);
    }

    disposers.push(
      socket.subscribe({
        output: (bytes) => term.write(bytes, () => socket.ack(bytes.length)),
        message: (message) => {
          switch (message.type) {
            case 'hello':
              // The server's screen may be another size than ours: tell it ours before the snapshot lands.
              if (driving()) socket.sendResize(term.cols, term.rows);
              break;
            case 'snapshot':
              term.reset();
              if (!driving()) watchAt(message.cols, message.rows);
              term.write(message.data);
              break;
            case 'resize':
              if (!driving()) watchAt(message.cols, message.rows);
              break;
          }
        },
      }),
    );

    const observer = new ResizeObserver(() => refit());
    observer.observe(box);
    disposers.push(() => observer.disconnect());
    return () => {
      driveRef.current = undefined;
      for (const dispose of disposers) dispose();
      term.dispose();
    };
  }, [socket, interactive, label]);

  useEffect(() => {
    const on = interactive && active;
    if (drivingRef.current === on) return;
    drivingRef.current = on;
    driveRef.current?.(on);
  }, [interactive, active]);

  return (
    <>
      <div className={`terminal-box ${interactive && active ? 'interactive' : 'watching'}`} ref={boxRef} data-testid="terminal" />
      <TerminalKeysHelp interactive={interactive && active} />
    </>
  );
}
