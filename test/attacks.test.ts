import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab, LabEnvironment } from '../server/src/lab/index.js';
import { ShellDriver } from './shell-driver.js';
import { testLab } from './helpers.js';

/**
 * Isolation proven by attack. Every attempt is typed into a candidate's interactive shell through
 * the runtime's TTY exec, the path the browser terminal uses. Two sessions are up at once; an
 * "outside" host is a network namespace this test creates on the machine, so egress is tried
 * against an address that really answers — and only ever that one.
 */
const SCENARIO = 'dns-stale-record';
const OUTSIDE_NS = 'attack-outside';
const OUTSIDE_HOST_IP = '198.18.77.1';
const OUTSIDE_IP = '198.18.77.2';
const OUTSIDE_PORT = 18080;

const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });

describe('a candidate cannot get out', () => {
  let lab: Lab;
  let a: LabEnvironment;
  let b: LabEnvironment;
  let shellA: ShellDriver;
  let hostServer: net.Server;
  let hostPort: number;
  let outside: ChildProcess | undefined;
  const marker = `fl-host-marker-${crypto.randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    lab = testLab({ FAULTLINE_ENV_DISK_MB: '64' });
    [a, b] = await Promise.all([
      lab.up(SCENARIO, { seed: 'attack-a', ttlMinutes: 30, owner: 'test' }),
      lab.up(SCENARIO, { seed: 'attack-b', ttlMinutes: 30, owner: 'test' }),
    ]);
    shellA = new ShellDriver(await lab.runtime.openShell(a.env, { cols: 200, rows: 50 }));
    await shellA.run('true');
    // A service on the host bound to every address, like a careless lab server would be.
    hostServer = net.createServer((s) => s.end('host reached\n'));
    await new Promise<void>((resolve) => hostServer.listen(0, '0.0.0.0', resolve));
    hostPort = (hostServer.address() as net.AddressInfo).port;
    fs.writeFileSync(`/tmp/${marker}`, 'host file');
    sh(`ip netns del ${OUTSIDE_NS} 2>/dev/null; ip link del atk-host 2>/dev/null; true`);
    sh(`ip netns add ${OUTSIDE_NS}
        ip link add atk-host type veth peer name atk-out
        ip link set atk-out netns ${OUTSIDE_NS}
        ip addr add ${OUTSIDE_HOST_IP}/30 dev atk-host && ip link set atk-host up
        ip netns exec ${OUTSIDE_NS} ip addr add ${OUTSIDE_IP}/30 dev atk-out
        ip netns exec ${OUTSIDE_NS} ip link set atk-out up
        ip netns exec ${OUTSIDE_NS} ip route add default via ${OUTSIDE_HOST_IP}`);
    outside = spawn('ip', ['netns', 'exec', OUTSIDE_NS, 'python3', '-m', 'http.server', '--bind', OUTSIDE_IP, String(OUTSIDE_PORT)], {
      stdio: 'ignore',
    });
    // Sanity: the outside host really answers from the machine itself.
    for (let i = 0; i < 50 && sh(`curl -s -m 1 -o /dev/null -w '%{http_code}' http://${OUTSIDE_IP}:${OUTSIDE_PORT}/ || true`) !== '200'; i++) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(sh(`curl -s -m 1 -o /dev/null -w '%{http_code}' http://${OUTSIDE_IP}:${OUTSIDE_PORT}/ || true`)).toBe('200');
  });

  afterAll(async () => {
    shellA?.close();
    outside?.kill();
    hostServer?.close();
    fs.rmSync(`/tmp/${marker}`, { force: true });
    sh(`ip netns del ${OUTSIDE_NS} 2>/dev/null; ip link del atk-host 2>/dev/null; true`);
    await Promise.all([a, b].filter(Boolean).map((e) => lab.down(e.env.id)));
  });

  const gatewayOf = (e: LabEnvironment) => `${e.env.subnet.split('.').slice(0, 3).join('.')}.1`;

  it('cannot reach the host: gateway, docker0, or the host primary address, even after adding routes', async () => {
    const hostIps = [gatewayOf(a), '172.17.0.1', sh("ip -4 route get 1.1.1.1 | sed -n 's/.* src \\([0-9.]*\\).*/\\1/p'").trim()].filter(Boolean);
    // Sanity: the listener answers from the host itself.
    const reply = await new Promise<string>((resolve, reject) => {
      const c = net.connect(hostPort, '127.0.0.1');
      let got = '';
      c.on('data', (d) => (got += d.toString()));
      c.on('end', () => resolve(got));
      c.on('error', reject);
    });
    expect(reply).toContain('host reached');
    for (const ip of hostIps) {
      const r = await shellA.run(`ip route replace ${ip} via ${gatewayOf(a)} 2>/dev/null; nc -w 2 ${ip} ${hostPort} </dev/null || echo BLOCKED`);
      expect(r.output, ip).toContain('BLOCKED');
      expect(r.output, ip).not.toContain('host reached');
    }
  });

  it('has no Docker socket and cannot see host files', async () => {
    const sock = await shellA.run('ls /var/run/docker.sock /run/docker.sock 2>&1; find / -xdev -name docker.sock 2>/dev/null | wc -l');
    expect(sock.output).toMatch(/No such file/);
    expect(sock.output.trim().split('\n').pop()?.trim()).toBe('0');
    const files = await shellA.run(`find / -name '${marker}' 2>/dev/null | wc -l; cat /proc/1/root/tmp/${marker} 2>&1`);
    expect(files.output.trim().split('\n')[0]?.trim()).toBe('0');
    expect(files.output).not.toContain('host file');
  });

  it('cannot reach the internet: a real outside address, the Docker Hub name, any resolver beyond the lab', async () => {
    const direct = await shellA.run(`ip route replace default via ${gatewayOf(a)} 2>/dev/null; curl -s -m 3 http://${OUTSIDE_IP}:${OUTSIDE_PORT}/ >/dev/null && echo REACHED || echo BLOCKED`);
    expect(direct.output).toContain('BLOCKED');
    const dns = await shellA.run('getent hosts registry-1.docker.io || echo NO-NAME; dig +short +time=2 +tries=1 @127.0.0.11 registry-1.docker.io | grep -c . || true');
    expect(dns.output).toContain('NO-NAME');
    expect(dns.output.trim().split('\n').pop()?.trim()).toBe('0');
  });

  it("cannot reach another session's containers", async () => {
    const webB = b.rendered.hosts.find((h) => h.name === 'web')!.ip;
    // Sanity: B's own workstation reaches B's web server.
    const own = await lab.runtime.exec(b.env, 'ws', `curl -s -m 3 -o /dev/null -w '%{http_code}' http://${webB}/`, 10);
    expect(own.output).toBe('200');
    const r = await shellA.run(`ip route replace ${b.env.subnet} via ${gatewayOf(a)} 2>/dev/null; curl -s -m 3 http://${webB}/ >/dev/null && echo REACHED || echo BLOCKED`);
    expect(r.output).toContain('BLOCKED');
  });

  it('cannot mount, load modules, use raw devices, or gain capabilities', async () => {
    const r = await shellA.run(
      [
        'mount -t tmpfs none /mnt 2>&1 | head -1',
        'modprobe dummy 2>&1 | tail -1; insmod /x.ko 2>&1 | tail -1',
        'ls /dev | grep -cE "^(sd|vd|nvme|mem|kmem|port)" || true',
        'mknod /tmp/disk b 8 0 2>&1 | tail -1',
        'unshare -Urn true 2>&1 | tail -1',
        'grep CapBnd /proc/self/status',
      ].join('; '),
    );
    expect(r.output).toMatch(/mount: .*(permission denied|must be superuser)/i);
    expect(r.output).toMatch(/modprobe: .*|insmod: .*/);
    expect(r.output).toMatch(/mknod: .*Operation not permitted/);
    expect(r.output).toMatch(/unshare: .*Operation not permitted/);
    const bnd = BigInt(`0x${/CapBnd:\s+([0-9a-f]+)/.exec(r.output)![1]}`);
    const has = (bit: number) => (bnd & (1n << BigInt(bit))) !== 0n;
    // SYS_MODULE 16, SYS_RAWIO 17, SYS_ADMIN 21, SYS_PTRACE 19, MKNOD 27, SYS_TIME 25, DAC_READ_SEARCH 2.
    for (const bit of [2, 16, 17, 19, 21, 25, 27]) expect(has(bit), `capability bit ${bit}`).toBe(false);
    const lines = r.output.split('\n').map((l) => l.trim());
    expect(lines).toContain('0');
  });

  it('runs no check, and no check agent, on a host the candidate reaches', async () => {
    // Checks run on the environment's checker; before, an agent on ns took forged replies.
    expect((await lab.checks(a)).every((c) => !c.passed)).toBe(true);
    for (const host of a.rendered.hosts.filter((h) => !h.terminal)) {
      const count = await shellA.run(`ssh ${host.name} 'pgrep -fc "python3 -I -u -[c]"'`);
      expect(count.output.trim().split('\n').pop(), host.name).toBe('0');
    }
    const onChecker = await lab.runtime.exec(a.env, 'checker', 'pgrep -fc "python3 -I -u -[c]"', 10);
    expect(onChecker.output.trim()).toBe('1');
  });

  it('stops a fork bomb at the pids limit while other sessions keep answering', async () => {
    // A classic bomb whose new forks stop after 6 s, so the test can go on without a reset.
    const bomb = shellA.run("bash -c ':(){ (( SECONDS < 6 )) && { :|:& }; wait; }; :' 2>/dev/null; echo survived", 90_000);
    await new Promise((r) => setTimeout(r, 3000));
    const stats = await lab.runtime.docker.getContainer(a.env.containers.ws!).stats({ stream: false });
    expect((stats as { pids_stats?: { current?: number } }).pids_stats?.current ?? 0).toBeLessThanOrEqual(lab.config.limits.pids);
    const others = await lab.checks(b);
    expect(others.every((c) => c.message.length > 0 && !c.message.startsWith('could not run'))).toBe(true);
    expect((await bomb).output).toContain('survived');
    await expect.poll(async () => (await shellA.run('echo alive', 5_000).catch(() => ({ output: '' }))).output, { timeout: 60_000, interval: 1000 }).toContain('alive');
  });

  it('kills a memory hog inside its own container only', async () => {
    const r = await shellA.run(`python3 -c "b = b'x' * (${lab.config.limits.memoryMb * 2} * 1024 * 1024); print('allocated')"; echo "exit=$?"`, 60_000);
    expect(r.output).not.toContain('allocated');
    expect(r.output).toMatch(/exit=(137|1)/);
    const info = await lab.runtime.docker.getContainer(a.env.containers.ws!).inspect();
    expect(info.State.Running).toBe(true);
    expect((await lab.checks(b)).length).toBeGreaterThan(0);
  });

  it('throttles a CPU hog to its share', async () => {
    await shellA.run('timeout 4 sh -c "yes >/dev/null & yes >/dev/null & wait"; true', 30_000);
    const stats = (await lab.runtime.docker.getContainer(a.env.containers.ws!).stats({ stream: false })) as {
      cpu_stats: { throttling_data: { throttled_periods: number } };
    };
    expect(stats.cpu_stats.throttling_data.throttled_periods).toBeGreaterThan(0);
  });

  it('bounds disk use: one file by RLIMIT_FSIZE, the environment by the disk watchdog', async () => {
    const big = await shellA.run(`dd if=/dev/zero of=/root/big bs=1M count=${lab.config.limits.fileMb + 16} 2>/dev/null; echo "rc=$?"; ls -l /root/big | awk '{print $5}'`, 120_000);
    // SIGXFSZ (25) ends the writer: exit status 128 + 25.
    expect(big.output).toContain('rc=153');
    expect(Number(big.output.trim().split('\n').pop())).toBeLessThanOrEqual(lab.config.limits.fileMb * 1024 * 1024);
    await expect.poll(async () => (await lab.runtime.overDiskLimit()).map((o) => o.envId), { timeout: 30_000, interval: 1000 }).toContain(a.env.id);
    expect((await lab.runtime.overDiskLimit()).map((o) => o.envId)).not.toContain(b.env.id);
    await shellA.run('rm -f /root/big');
  });
});
