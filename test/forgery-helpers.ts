import { expect } from 'vitest';
import type { CheckResult } from '../server/src/checks/index.js';
import type { ShellDriver } from './shell-driver.js';

export const b64 = (text: string) => Buffer.from(text).toString('base64');

/** Checks that pass: after an attack that fixed nothing, there must be none. */
export const passing = (results: CheckResult[]) => results.filter((r) => r.passed).map((r) => `${r.id}: ${r.message}`);

/**
 * Type a script into the candidate's shell and run it on each host through ssh, as they would.
 * Returns the output; unless `strict` is false, a host ssh does not reach fails the test.
 */
export async function onHosts(shell: ShellDriver, hosts: string[], script: string, opts: { timeoutMs?: number; strict?: boolean } = {}): Promise<string> {
  const { output, exitCode } = await shell.run(
    `echo ${b64(script)} | base64 -d > /tmp/attack.sh && for h in ${hosts.join(' ')}; do /usr/bin/timeout 40 ssh -o BatchMode=yes -o ConnectTimeout=5 $h 'bash -s' < /tmp/attack.sh || echo "attack failed on $h"; done`,
    opts.timeoutMs ?? 30_000,
  );
  expect(exitCode).toBe(0);
  if (opts.strict !== false) expect(output).not.toMatch(/attack failed on/);
  return output;
}

/**
 * Watch a host's process list, and steal the stdin of every `bash -s` (how check scripts used to
 * arrive), for `seconds`; what it saw lands in /tmp/seen.
 */
export const watchProcesses = (seconds: number) => `cat > /tmp/watch.sh <<'WATCH'
: > /tmp/seen
end=$((SECONDS + ${seconds}))
while [ $SECONDS -lt $end ]; do
  ps -eo args >> /tmp/seen
  for p in $(pgrep -f '^bash -s$'); do timeout 0.3 cat /proc/$p/fd/0 >> /tmp/seen 2>/dev/null & done
  sleep 0.05
done
WATCH
nohup bash /tmp/watch.sh >/dev/null 2>&1 &`;

/** What the watch saw of a check: the old agent, a one-off exec, or a check's own commands. */
/** Absolute paths: the tools on PATH may have been shadowed by then. A last `ps` of the watch may see this very grep. */
export const COLLECT_SEEN = `pkill -f /tmp/watch.sh; sort -u /tmp/seen | /usr/bin/grep -E 'python3 -I|timeout -k|openssl s_client|urlopen|check-lib|fl_retry' | /usr/bin/grep -v -F '/usr/bin/grep -E' | sed "s|^|$(hostname): |"; true`;

const SHADOWED = ['openssl', 'curl', 'dig', 'host', 'nslookup', 'python3', 'nc', 'timeout', 'grep', 'ss', 'ping'];

/** Tools a check could use, replaced on a host by ones that print `success` and exit 0. */
export const shadowTools = (success: string) =>
  `for t in ${SHADOWED.join(' ')}; do printf '#!/bin/sh\\ncat <<"X"\\n%s\\nX\\nexit 0\\n' '${success.replace(/'/g, `'\\''`)}' > /usr/local/bin/$t; chmod +x /usr/local/bin/$t; done`;

export const UNSHADOW_TOOLS = `rm -f ${SHADOWED.map((t) => `/usr/local/bin/${t}`).join(' ')}`;
