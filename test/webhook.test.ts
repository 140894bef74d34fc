import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../server/src/config/index.js';
import { Webhook, type WebhookOptions } from '../server/src/notify/webhook.js';

const SECRET = 'a-test-secret-of-32-characters!!';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
}

type Reply = (req: Received, res: http.ServerResponse) => void;

const servers: http.Server[] = [];
const hooks: Webhook[] = [];

afterEach(async () => {
  for (const hook of hooks.splice(0)) await hook.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A receiver on 127.0.0.1 that records every request and answers with `reply`. */
async function receiver(reply: Reply): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry = { headers: req.headers, body, json: JSON.parse(body) as Record<string, unknown> };
      received.push(entry);
      reply(entry, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/faultline?key=private`, received };
}

function status(code: number): Reply {
  return (_req, res) => res.writeHead(code).end();
}

/** A webhook whose warnings are kept in `warnings`. */
function webhook(url: string, options: WebhookOptions = {}): { hook: Webhook; warnings: Array<Record<string, unknown>> } {
  const warnings: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      warnings.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const hook = new Webhook({ webhookUrl: url, webhookSecret: SECRET }, { backoffMs: 10, logger: pino({ level: 'warn' }, stream), ...options });
  hooks.push(hook);
  return { hook, warnings };
}

const lobby = (sessionId: string) => ({ sessionId, candidateName: 'Ada', scenarios: ['Stale DNS record'] });

describe('webhook delivery', () => {
  it('POSTs the event as JSON with a signature over the timestamp and the raw body', async () => {
    const { url, received } = await receiver(status(204));
    const { hook, warnings } = webhook(url);
    const before = Math.floor(Date.now() / 1000);
    hook.send('candidate.lobby', lobby('s1'));
    await hook.idle();

    expect(received).toHaveLength(1);
    const [req] = received as [Received];
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-faultline-event']).toBe('candidate.lobby');
    expect(req.headers['x-faultline-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(req.json).toMatchObject({ type: 'candidate.lobby', sessionId: 's1', candidateName: 'Ada', scenarios: ['Stale DNS record'] });
    expect(Object.keys(req.json).slice(0, 2)).toEqual(['type', 'at']);
    expect(Date.parse(req.json.at as string)).not.toBeNaN();

    const timestamp = req.headers['x-faultline-timestamp'] as string;
    expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
    expect(Number(timestamp)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    const expected = crypto.createHmac('sha256', SECRET).update(`${timestamp}.${req.body}`).digest('hex');
    const presented = (req.headers['x-faultline-signature'] as string).replace(/^sha256=/, '');
    expect(crypto.timingSafeEqual(Buffer.from(presented, 'hex'), Buffer.from(expected, 'hex'))).toBe(true);
    // A replayed body under another timestamp does not verify.
    const other = crypto.createHmac('sha256', SECRET).update(`${Number(timestamp) + 1}.${req.body}`).digest('hex');
    expect(other).not.toBe(presented);
    expect(warnings).toEqual([]);
  });

  it('does not let a payload override type and at', async () => {
    const { url, received } = await receiver(status(200));
    const { hook } = webhook(url);
    hook.send('candidate.lobby', { ...lobby('s1'), type: 'interview.finished', at: 'never' } as ReturnType<typeof lobby>);
    await hook.idle();
    expect(received[0]?.json.type).toBe('candidate.lobby');
    expect(received[0]?.json.at).not.toBe('never');
  });

  it('tries a 500 again and stops at the 200, with the same delivery id', async () => {
    let calls = 0;
    const { url, received } = await receiver((_req, res) => res.writeHead(++calls === 1 ? 500 : 200).end());
    const { hook, warnings } = webhook(url);
    hook.send('interview.finished', { ...lobby('s1'), status: 'finished', state: 'ended', solved: true });
    await hook.idle();
    expect(received).toHaveLength(2);
    expect(received[1]?.headers['x-faultline-delivery']).toBe(received[0]?.headers['x-faultline-delivery']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ status: 500, attempt: 1, msg: 'webhook delivery failed; trying again' });
  });

  it('gives up after three tries of a receiver that keeps failing', async () => {
    const { url, received } = await receiver(status(503));
    const { hook, warnings } = webhook(url);
    hook.send('candidate.lobby', lobby('s1'));
    await hook.idle();
    expect(received).toHaveLength(3);
    expect(warnings.map((w) => w.status)).toEqual([503, 503, 503]);
    expect(warnings[2]?.msg).toBe('webhook delivery failed; giving up on this event');
  });

  it('does not try a 400 again, and logs its status without the URL path or query', async () => {
    const { url, received } = await receiver(status(400));
    const { hook, warnings } = webhook(url);
    hook.send('candidate.lobby', lobby('s1'));
    await hook.idle();
    expect(received).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ status: 400, msg: 'webhook delivery failed; giving up on this event' });
    expect(JSON.stringify(warnings)).not.toContain('private');
  });

  it('does not follow a redirect', async () => {
    const { url, received } = await receiver((_req, res) => res.writeHead(307, { location: '/elsewhere' }).end());
    const { hook, warnings } = webhook(url);
    hook.send('candidate.lobby', lobby('s1'));
    await hook.idle();
    expect(received).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ status: 307 });
    expect(warnings[0]?.err).toContain('FAULTLINE_WEBHOOK_URL');
  });

  it('tries again after a refused connection and logs the reason', async () => {
    const { url } = await receiver(status(200));
    const server = servers.pop() as http.Server;
    await new Promise((resolve) => server.close(resolve));
    const { hook, warnings } = webhook(url, { attempts: 2 });
    hook.send('candidate.lobby', lobby('s1'));
    await hook.idle();
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.err).toContain('ECONNREFUSED');
  });

  it('times out a receiver that never answers and moves on to the next event', async () => {
    const { url, received } = await receiver((req, res) => {
      if (req.json.sessionId !== 'hung') res.writeHead(200).end();
    });
    const { hook, warnings } = webhook(url, { timeoutMs: 200, attempts: 2 });
    const started = Date.now();
    hook.send('candidate.lobby', lobby('hung'));
    hook.send('candidate.lobby', lobby('next'));
    await hook.idle();
    expect(received.map((r) => r.json.sessionId)).toEqual(['hung', 'hung', 'next']);
    expect(warnings.map((w) => w.err)).toEqual(['no answer within 200 ms', 'no answer within 200 ms']);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('returns from send at once and keeps at most queueMax waiting, dropping the oldest', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { url, received } = await receiver((req, res) => {
      if (req.json.sessionId === 'first') void gate.then(() => res.writeHead(200).end());
      else res.writeHead(200).end();
    });
    const { hook, warnings } = webhook(url, { queueMax: 3 });
    hook.send('candidate.lobby', lobby('first'));
    await expect.poll(() => received.length).toBe(1);
    for (const id of ['a', 'b', 'c', 'd', 'e']) hook.send('candidate.lobby', lobby(id));
    expect(hook.pending).toBe(4);
    expect(warnings.map((w) => w.msg)).toEqual([
      'webhook queue full: dropped the oldest undelivered event',
      'webhook queue full: dropped the oldest undelivered event',
    ]);
    release();
    await hook.idle();
    expect(received.map((r) => r.json.sessionId)).toEqual(['first', 'c', 'd', 'e']);
    expect(hook.pending).toBe(0);
  });

  it('close() waits briefly for the delivery under way, then abandons it and what waits', async () => {
    const { url, received } = await receiver(() => undefined);
    const { hook, warnings } = webhook(url, { closeWaitMs: 100, timeoutMs: 10_000 });
    hook.send('candidate.lobby', lobby('hung'));
    hook.send('candidate.lobby', lobby('waiting'));
    await expect.poll(() => received.length).toBe(1);
    const started = Date.now();
    await hook.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hook.pending).toBe(0);
    expect(warnings.map((w) => w.msg)).toEqual([
      'webhook delivery failed; giving up on this event',
      'webhook closed: undelivered events dropped',
    ]);
    hook.send('candidate.lobby', lobby('after'));
    expect(hook.pending).toBe(0);
  });

  it('close() lets a delivery that answers in time finish', async () => {
    const { url, received } = await receiver((_req, res) => setTimeout(() => res.writeHead(200).end(), 50));
    const { hook, warnings } = webhook(url, { closeWaitMs: 2000 });
    hook.send('candidate.lobby', lobby('s1'));
    await expect.poll(() => received.length).toBe(1);
    await hook.close();
    expect(warnings).toEqual([]);
  });

  it('does nothing without a URL', async () => {
    const hook = new Webhook({ webhookUrl: undefined, webhookSecret: undefined });
    expect(hook.enabled).toBe(false);
    hook.send('candidate.lobby', lobby('s1'));
    expect(hook.pending).toBe(0);
    await hook.close();
  });
});

describe('webhook configuration', () => {
  const base = { FAULTLINE_WEBHOOK_URL: 'https://hooks.example.test/faultline' };

  it('needs a secret of 16+ characters with the URL', () => {
    expect(() => loadConfig(base)).toThrow(/FAULTLINE_WEBHOOK_SECRET: is required when FAULTLINE_WEBHOOK_URL is set/);
    expect(() => loadConfig({ ...base, FAULTLINE_WEBHOOK_SECRET: 'short' })).toThrow(/FAULTLINE_WEBHOOK_SECRET: must be at least 16 characters/);
    const config = loadConfig({ ...base, FAULTLINE_WEBHOOK_SECRET: SECRET });
    expect(config.webhookUrl).toBe(base.FAULTLINE_WEBHOOK_URL);
    expect(config.webhookSecret).toBe(SECRET);
  });

  it('takes only http and https URLs', () => {
    for (const bad of ['ftp://hooks.example.test/x', 'file:///etc/passwd', 'not a url']) {
      expect(() => loadConfig({ FAULTLINE_WEBHOOK_URL: bad, FAULTLINE_WEBHOOK_SECRET: SECRET })).toThrow(/FAULTLINE_WEBHOOK_URL/);
    }
    expect(loadConfig({ FAULTLINE_WEBHOOK_URL: 'http://127.0.0.1:9000/hook', FAULTLINE_WEBHOOK_SECRET: SECRET }).webhookUrl).toBe(
      'http://127.0.0.1:9000/hook',
    );
  });

  it('is off by default', () => {
    const config = loadConfig({});
    expect(config.webhookUrl).toBeUndefined();
    expect(new Webhook(config).enabled).toBe(false);
  });
});
