import { dirBytes } from '../helpers.js';
import { TermClient } from '../terminal-client.js';
import { echoSamples, endSession, rssMb, startServerProcess, startToPrompt, type StartedSession } from './lab-bench.js';
import { percentile, round } from './stats.js';

/**
 * Soak (issue 17): sessions whose clients each run one abuse in turn (input flood into a shell
 * that does not read, resize flood, invalid control messages, reconnect loop, unseen input into
 * `cat`), while well-behaved sessions measure keystroke echo. Reports echo p50/p99, the server's
 * peak RSS and the data directory's size.
 */
const ABUSES = ['input', 'resize', 'control', 'reconnect', 'record'] as const;
type Abuse = (typeof ABUSES)[number];
const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface SoakOptions {
  abusive: number;
  wellBehaved: number;
  seconds: number;
  say: (line: string) => void;
}

export async function runSoak({ abusive, wellBehaved, seconds, say }: SoakOptions): Promise<Record<string, unknown>> {
  const server = await startServerProcess({ FAULTLINE_POOL_SIZE: '0' });
  const sessions: StartedSession[] = [];
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMb(server.proc.pid as number));
  }, 500);
  try {
    // Started a few at a time: the soak measures the abuse, not a burst of starts.
    for (let i = 0; i < abusive + wellBehaved; i += 4) {
      const batch = Math.min(4, abusive + wellBehaved - i);
      sessions.push(...(await Promise.all(Array.from({ length: batch }, () => startToPrompt(server.url, 'dns-stale-record')))));
      say(`${sessions.length} sessions at their prompt`);
    }
    const baseRss = rssMb(server.proc.pid as number);
    const until = Date.now() + seconds * 1000;
    const abusers = sessions.slice(0, abusive).map((s, i) => abuse(server.url, s, ABUSES[i % ABUSES.length] as Abuse, until));
    const echoes = sessions.slice(abusive).map(async (s) => {
      const samples: number[] = [];
      while (Date.now() < until) samples.push(...(await echoSamples(s.client, 10, 200)));
      return samples;
    });
    const [samples] = await Promise.all([Promise.all(echoes).then((all) => all.flat()), Promise.all(abusers)]);
    const dataDirMb = dirBytes(server.dataDir) / MiB;
    const result = {
      soak_abusive_sessions: abusive,
      soak_well_behaved_sessions: wellBehaved,
      soak_seconds: seconds,
      soak_echo_samples: samples.length,
      soak_echo_p50_ms: round(percentile(samples, 50), 2),
      soak_echo_p99_ms: round(percentile(samples, 99), 2),
      soak_server_rss_before_mb: round(baseRss, 0),
      soak_server_rss_peak_mb: round(Math.max(peakRss, baseRss), 0),
      soak_data_dir_mb: round(dataDirMb, 1),
    };
    for (const [k, v] of Object.entries(result)) say(`${k.padEnd(28)} ${String(v).padStart(10)}`);
    return result;
  } finally {
    clearInterval(sampler);
    for (const s of sessions) await endSession(server.url, s).catch(() => undefined);
    await server.stop();
  }
}

async function abuse(url: string, s: StartedSession, kind: Abuse, until: number): Promise<void> {
  const c = s.client;
  const frame = Buffer.alloc(60 * 1024, 0x61);
  const line = Buffer.from(`${'x'.repeat(1023)}\r`);
  if (kind === 'input') c.type('sleep 3000\r');
  if (kind === 'record') c.type('stty -echo; cat > /dev/null\r');
  while (Date.now() < until) {
    switch (kind) {
      case 'input':
      case 'record':
        // As fast as the server takes it, at most 8 MiB queued on this side.
        if (c.ws.bufferedAmount > 8 * MiB) await sleep(5);
        else for (let i = 0; i < 16; i++) c.ws.send(kind === 'input' ? frame : line, { binary: true });
        await new Promise((r) => setImmediate(r));
        break;
      case 'resize':
        for (let i = 0; i < 50; i++) c.control({ type: 'resize', cols: 80 + (i % 2), rows: 24 + (i % 2) });
        await sleep(10);
        break;
      case 'control':
        for (let i = 0; i < 50; i++) c.ws.send(`{"type":"nonsense","n":${i}}`);
        await sleep(10);
        break;
      case 'reconnect': {
        const extra = await TermClient.connect(url, s.id, s.token, { origin: url, keepOutput: false });
        await extra.message('hello');
        await extra.close();
        break;
      }
    }
  }
}
