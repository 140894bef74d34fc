import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerUnavailableError } from '../server/src/errors/index.js';
import type { Lab, LabEnvironment } from '../server/src/lab/index.js';
import { LABELS } from '../server/src/runtime/docker.js';
import { testLab } from './helpers.js';

const SCENARIO = 'dns-stale-record';

describe('runtime on the real engine', () => {
  let lab: Lab;
  let env: LabEnvironment;
  const phases: string[] = [];

  beforeAll(async () => {
    lab = testLab();
    env = await lab.up(SCENARIO, { seed: 'runtime-test', ttlMinutes: 30, owner: 'test', onPhase: (p) => phases.push(p) });
  });

  afterAll(async () => {
    if (env) await lab.down(env.env.id);
  });

  it('reports each phase of the start in order', () => {
    expect(phases).toEqual(['network', 'containers', 'starting', 'waiting', 'fault', 'ready']);
  });

  it('labels every container with the environment, scenario, seed and host', async () => {
    const containers = await lab.runtime.docker.listContainers({ all: true, filters: { label: [`${LABELS.env}=${env.env.id}`] } });
    expect(containers.map((c) => c.Labels[LABELS.host]).sort()).toEqual(['checker', 'ns', 'web', 'ws']);
    for (const c of containers) {
      expect(c.Labels).toMatchObject({
        [LABELS.managed]: 'true',
        [LABELS.scenario]: SCENARIO,
        [LABELS.seed]: 'runtime-test',
      });
      expect(Date.parse(c.Labels[LABELS.expiresAt] ?? '')).toBeGreaterThan(Date.now());
    }
  });

  it('hardens every container: no privilege, capabilities dropped, limits on', async () => {
    for (const [host, id] of Object.entries(env.env.containers)) {
      const info = await lab.runtime.docker.getContainer(id).inspect();
      const hc = info.HostConfig;
      expect(hc.Privileged, host).toBe(false);
      expect(hc.CapDrop, host).toEqual(['ALL']);
      expect(hc.CapAdd ?? [], host).not.toContain('SYS_ADMIN');
      expect(hc.SecurityOpt, host).toContain('no-new-privileges:true');
      expect(hc.PidsLimit, host).toBe(lab.config.limits.pids);
      expect(hc.Memory, host).toBe(lab.config.limits.memoryMb * 1024 * 1024);
      expect(hc.MemorySwap, host).toBe(hc.Memory);
      expect((hc.CpuQuota ?? 0) / (hc.CpuPeriod ?? 1), host).toBe(lab.config.limits.cpus);
      expect(hc.Init, host).toBe(true);
      expect(info.Mounts.map((m) => m.Source).join(' '), host).not.toMatch(/docker\.sock/);
      const status = await lab.runtime.exec(env.env, host, 'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status', 5);
      expect(status.output).toMatch(/NoNewPrivs:\s+1/);
    }
    // Only the workstation was granted NET_ADMIN by the scenario.
    const ws = await lab.runtime.docker.getContainer(env.env.containers.ws!).inspect();
    const ns = await lab.runtime.docker.getContainer(env.env.containers.ns!).inspect();
    expect(ws.HostConfig.CapAdd).toContain('NET_ADMIN');
    expect(ns.HostConfig.CapAdd).not.toContain('NET_ADMIN');
    const denied = await lab.runtime.exec(env.env, 'ns', 'iptables -L -n', 5);
    expect(denied.exitCode).not.toBe(0);
  });

  it('puts the environment on its own internal network', async () => {
    const network = await lab.runtime.docker.getNetwork(env.env.networkId).inspect();
    expect(network.Internal).toBe(true);
    expect(network.Labels?.[LABELS.env]).toBe(env.env.id);
    expect(network.IPAM?.Config?.[0]?.Subnet).toBe(env.env.subnet);
    expect(network.Options?.['com.docker.network.bridge.name']).toBe(`fl-${env.env.id}`);
  });

  it('resolves through the scenario DNS server, not the engine or the host', async () => {
    const resolv = await lab.runtime.exec(env.env, 'ws', 'cat /etc/resolv.conf', 5);
    const nsIp = env.rendered.hosts.find((h) => h.name === 'ns')?.ip;
    expect(resolv.output).toContain(`nameserver ${nsIp}`);
    expect(resolv.output).not.toContain('127.0.0.11');
  });

  it('keeps the host unreachable from lab networks, even with NET_ADMIN', async () => {
    // The bridge's gateway address lives on the host.
    const gateway = `${env.env.subnet.split('.').slice(0, 3).join('.')}.1`;
    const server = net.createServer((s) => s.end('host reached\n'));
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const probe = await lab.runtime.exec(
        env.env,
        'ws',
        `ip route add default via ${gateway} 2>/dev/null; nc -w 2 ${gateway} ${port} </dev/null && echo REACHED || echo blocked`,
        10,
      );
      expect(probe.output).toContain('blocked');
      expect(probe.output).not.toContain('REACHED');
    } finally {
      server.close();
    }
  });

  it('runs scripts without a TTY, returning exit code and output', async () => {
    const ok = await lab.runtime.exec(env.env, 'ws', 'echo out; echo err >&2; exit 3', 5);
    expect(ok.exitCode).toBe(3);
    expect(ok.output).toContain('out');
    expect(ok.output).toContain('err');
    const slow = await lab.runtime.exec(env.env, 'ws', 'sleep 10', 1);
    expect(slow.timedOut).toBe(true);
  });

  it('the script agent runs scripts the same way and stops one at its deadline, even one that ignores TERM', async () => {
    const ok = await lab.runtime.execViaAgent(env.env, 'ws', 'echo out; echo err >&2; exit 3', 5);
    expect(ok).toMatchObject({ exitCode: 3, timedOut: false });
    expect(ok.output).toMatch(/out\nerr/);
    const stubborn = await lab.runtime.execViaAgent(env.env, 'ws', "trap '' TERM; echo started; sleep 30 & sleep 30; wait", 1);
    expect(stubborn, JSON.stringify(stubborn)).toMatchObject({ timedOut: true });
    expect(stubborn.output).toContain('started');
    const left = await lab.runtime.exec(env.env, 'ws', 'pgrep -fx "sleep 30" || echo none', 5);
    expect(left.output.trim()).toBe('none');
  });

  it('opens an interactive shell with a TTY', async () => {
    const shell = await lab.runtime.openShell(env.env, { cols: 100, rows: 30 });
    let seen = '';
    shell.stream.on('data', (d: Buffer) => (seen += d.toString()));
    shell.stream.write('stty size; tty\n');
    await expect.poll(() => seen, { timeout: 10_000 }).toMatch(/30 100[\s\S]*\/dev\/pts\//);
    shell.stream.end();
  });

  it('finds the environment again from labels alone (after a restart)', async () => {
    const found = (await lab.runtime.list()).find((e) => e.id === env.env.id);
    expect(found).toBeDefined();
    const adopted = lab.adopt(found!);
    expect(adopted.rendered.hosts.map((h) => h.ip)).toEqual(env.rendered.hosts.map((h) => h.ip));
    expect(adopted.env.terminalHost).toBe('ws');
    const results = await lab.checks(adopted);
    expect(results.every((r) => !r.passed)).toBe(true);
  });

  it('reaps expired environments and leaves nothing labelled behind', async () => {
    const other = await lab.up(SCENARIO, { seed: 'reap-test', ttlMinutes: 1, owner: 'test' });
    const removed = await lab.runtime.reapExpired(new Date(Date.now() + 2 * 60_000));
    expect(removed).toContain(other.env.id);
    expect(removed).not.toContain(env.env.id === other.env.id ? '' : 'never');
    const left = await lab.runtime.docker.listContainers({ all: true, filters: { label: [`${LABELS.env}=${other.env.id}`] } });
    const nets = await lab.runtime.docker.listNetworks({ filters: { label: [`${LABELS.env}=${other.env.id}`] } });
    expect(left).toEqual([]);
    expect(nets).toEqual([]);
  });

  it('two removals of one environment at once both finish and leave nothing behind', async () => {
    const other = await lab.up(SCENARIO, { seed: 'double-destroy', ttlMinutes: 10, owner: 'test' });
    const outcomes = await Promise.allSettled([lab.runtime.destroy(other.env.id), lab.runtime.destroy(other.env.id), lab.runtime.destroy(other.env.id)]);
    expect(outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);
    const filters = { label: [`${LABELS.env}=${other.env.id}`] };
    expect(await lab.runtime.docker.listContainers({ all: true, filters })).toEqual([]);
    expect(await lab.runtime.docker.listNetworks({ filters })).toEqual([]);
  });
});

describe('without a Docker engine', () => {
  it('says where it looked and how to start one', async () => {
    const previous = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    try {
      const lab = testLab();
      const err = await lab.prepare(() => undefined).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DockerUnavailableError);
      expect((err as Error).message).toContain('unix:///nonexistent/docker.sock');
      expect((err as Error).message).toMatch(/dockerd|systemctl start docker/);
    } finally {
      if (previous === undefined) delete process.env.DOCKER_HOST;
      else process.env.DOCKER_HOST = previous;
    }
  });
});
