import { Fragment, useEffect, useState } from 'react';
import { api, errorText } from '../lib/api.js';
import { clock, secondsBetween, timeOfDay } from '../lib/format.js';
import type { CommandEntry, CommandsView, Session } from '../lib/types.js';
import type { TerminalSocket } from '../terminal/socket.js';

type Command = Extract<CommandEntry, { kind: 'command' }>;

const TRUST_NOTE = 'As the shell reported it: the candidate can change or fake these marks. Never used for pass or fail.';

/** The session's command timeline, fetched once and kept current from the terminal socket when one is given. */
export function useCommands(id: string, token: string, socket?: TerminalSocket): { view: CommandsView | undefined; error: string | undefined } {
  const [view, setView] = useState<CommandsView>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    const load = () =>
      api.commands(id, token).then(
        (v) => {
          if (!live) return;
          setView((prev) => ({ ...v, commands: merge(v.commands, prev?.commands ?? []) }));
          setError(undefined);
        },
        (err: unknown) => live && setError(errorText(err)),
      );
    void load();
    const unsubscribe = socket?.subscribe({
      message: (m) => {
        if (m.type === 'command') setView((prev) => (prev ? { ...prev, commands: merge(prev.commands, [m.command]) } : prev));
      },
      // Commands reported while the socket was away come with the list.
      connection: (state) => state === 'open' && void load(),
    });
    return () => {
      live = false;
      unsubscribe?.();
    };
  }, [id, token, socket]);
  return { view, error };
}

/**
 * Both lists, each entry once, by when it started: the server keeps them as they end, and an
 * outer command (`ssh ns`) ends after the ones run inside it.
 */
function merge(a: CommandEntry[], b: CommandEntry[]): CommandEntry[] {
  const byId = new Map<number, CommandEntry>();
  for (const c of [...a, ...b]) byId.set(c.id, c);
  const start = (c: CommandEntry) => (c.kind === 'command' ? c.startedAt : c.at);
  return [...byId.values()].sort((x, y) => start(x).localeCompare(start(y)) || x.id - y.id);
}

function ExitBadge({ exit }: { exit: number | null }) {
  if (exit === null) return <span className="badge exit-unknown" title="The shell did not report how it ended">?</span>;
  return (
    <span className={`badge ${exit === 0 ? 'exit-ok' : 'exit-failed'}`} title={`exit status ${exit}`}>
      {exit === 0 ? '✓ 0' : `✗ ${exit}`}
    </span>
  );
}

function sinceReady(session: Pick<Session, 'readyAt'>, at: string): string {
  return session.readyAt ? clock(secondsBetween(session.readyAt, at)) : timeOfDay(at);
}

function CommandRow({ command, session, token, faultHosts }: { command: Command; session: Session; token: string; faultHosts: string[] }) {
  const [open, setOpen] = useState(false);
  const [output, setOutput] = useState<{ output: string; outputTruncated: boolean }>();
  const [error, setError] = useState<string>();
  const toggle = () => {
    setOpen(!open);
    if (!open && !output && command.hasOutput) api.commandOutput(session.id, token, command.id).then(setOutput, (err: unknown) => setError(errorText(err)));
  };
  const tone = command.exit === null ? '' : command.exit === 0 ? 'good' : 'bad';
  return (
    <li className={`tl cmd ${tone}`} data-testid="command" data-host={command.host} data-exit={command.exit ?? ''}>
      <button type="button" className="linklike cmd-line" aria-expanded={open} onClick={toggle} title={`${command.cwd} · ${(command.durationMs / 1000).toFixed(1)} s`}>
        <time dateTime={command.startedAt} className="mono muted">
          {sinceReady(session, command.startedAt)}
        </time>{' '}
        <span className={`badge host ${faultHosts.includes(command.host) ? 'fault-host' : ''}`}>{command.host || '?'}</span>{' '}
        <code className="mono">{command.command || '(no command line reported)'}</code> <ExitBadge exit={command.exit} />
        {command.revealing.map((label) => (
          <span key={label} className="badge revealing" data-testid="revealing">
            ★ {label}
          </span>
        ))}
      </button>
      {open && (
        <div className="cmd-output">
          {error && <p className="error-text">{error}</p>}
          {!command.hasOutput ? (
            <p className="muted small">No output.</p>
          ) : output ? (
            <>
              <pre className="mono" data-testid="command-output">
                {output.output}
              </pre>
              {output.outputTruncated && <p className="muted tiny">Cut: the server keeps 16 KiB per command; the recording has all of it.</p>}
            </>
          ) : (
            !error && <p className="muted small">Loading…</p>
          )}
        </div>
      )}
    </li>
  );
}

/** The live command list: host, command, exit status and time; a click shows the output. */
export function CommandLog({ session, token, socket }: { session: Session; token: string; socket?: TerminalSocket | undefined }) {
  const { view, error } = useCommands(session.id, token, socket);
  return (
    <section className="panel command-log" aria-labelledby="commands-title">
      <h2 id="commands-title">Commands</h2>
      <p className="muted tiny">{TRUST_NOTE}</p>
      {error && <p className="error-text">{error}</p>}
      {view && <CommandList view={view} session={session} token={token} />}
    </section>
  );
}

function CommandList({ view, session, token }: { view: CommandsView; session: Session; token: string }) {
  if (view.commands.length === 0) return <p className="muted small">No command reported yet.</p>;
  return (
    <ol className="timeline commands" data-testid="command-log">
      {view.commands.map((c) =>
        c.kind === 'notice' ? (
          <li key={c.id} className="tl bad" data-testid="command-notice">
            <time dateTime={c.at} className="mono muted">
              {sinceReady(session, c.at)}
            </time>{' '}
            {c.text}
          </li>
        ) : (
          <CommandRow key={c.id} command={c} session={session} token={token} faultHosts={view.faultHosts ?? []} />
        ),
      )}
    </ol>
  );
}

/** What the report says about method, from the command timeline. */
export function CommandReport({ session, token }: { session: Session; token: string }) {
  const { view, error } = useCommands(session.id, token);
  if (error) return <p className="error-text">{error}</p>;
  if (!view) return <p className="muted">Loading the commands…</p>;
  const commands = view.commands.filter((c): c is Command => c.kind === 'command');
  const faultHosts = view.faultHosts ?? [];
  const firstOnFault = commands.find((c) => faultHosts.includes(c.host));
  const failed = commands.filter((c) => c.exit !== null && c.exit !== 0);
  const green = session.firstSolvedAt;
  const lastBeforeGreen = green ? commands.filter((c) => c.startedAt <= green).at(-1) : undefined;
  const firstRevealing = new Map<string, Command>();
  for (const c of commands) for (const label of c.revealing) if (!firstRevealing.has(label)) firstRevealing.set(label, c);
  const at = (iso: string) => sinceReady(session, iso);
  return (
    <>
      <p className="muted small">{TRUST_NOTE}</p>
      <dl className="facts" data-testid="command-facts">
        <dt>Commands</dt>
        <dd>
          {commands.length} reported, {failed.length} failed
        </dd>
        <dt>First command on a fault host</dt>
        <dd>
          {faultHosts.length === 0
            ? 'The scenario names no fault host'
            : firstOnFault
              ? `${at(firstOnFault.startedAt)} after ready, on ${firstOnFault.host}: ${firstOnFault.command}`
              : `None on ${faultHosts.join(', ')}`}
        </dd>
        <dt>Last command before green</dt>
        <dd>
          {!green
            ? 'Never green'
            : lastBeforeGreen
              ? `${lastBeforeGreen.command} (${lastBeforeGreen.host}) at ${at(lastBeforeGreen.startedAt)}; green ${clock(secondsBetween(lastBeforeGreen.startedAt, green))} later`
              : 'No command reported before green'}
        </dd>
        {(view.revealing ?? []).map((label) => {
          const c = firstRevealing.get(label);
          return (
            <Fragment key={label}>
              <dt>★ {label}</dt>
              <dd>{c ? `first at ${at(c.startedAt)} on ${c.host}: ${c.command}` : 'not seen'}</dd>
            </Fragment>
          );
        })}
      </dl>
      {failed.length > 0 && (
        <>
          <h3>Commands that failed</h3>
          <ul className="plain mono small" data-testid="failed-commands">
            {failed.map((c) => (
              <li key={c.id}>
                {at(c.startedAt)} {c.host}$ {c.command} → {c.exit}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Command log</h3>
      <CommandList view={view} session={session} token={token} />
    </>
  );
}
