import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ScenarioError } from '../server/src/errors/index.js';
import { loadCatalogue, loadScenario, TRIVIAL_COMMANDS } from '../server/src/scenarios/loader.js';
import { renderScenario, templateRenderer } from '../server/src/scenarios/render.js';
import { scenarioJsonSchema } from '../server/src/scenarios/schema.js';
import { drawVariables } from '../server/src/scenarios/variables.js';
import { writeScenario } from './helpers.js';

const minimal = {
  id: 'unit-minimal',
  title: 'A minimal scenario',
  category: 'dns',
  difficulty: 'easy',
  timeLimitMinutes: 10,
  summary: 'Something is broken',
  brief: 'brief.md',
  solution: 'solution.md',
  variables: { site: { pick: ['shop', 'store', 'cart'] }, port: { int: { min: 8000, max: 8999 } }, spare: { octet: true } },
  hosts: {
    ws: { image: 'workstation', terminal: true, dns: 'ns' },
    ns: { image: 'dns', address: '{{spare}}', files: [{ path: '/etc/x/{{site}}.conf', source: 'files/x.conf' }] },
  },
  checks: [{ id: 'ok', title: 'ns answers for the zone', symptom: 'The site opens', script: 'checks/ok.sh' }],
  hints: ['Look closer'],
  solve: [{ host: 'ns', run: 'echo fix {{site}}' }],
};

function escalation(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'worse',
    title: 'The zone lost its record',
    description: 'The record is deleted.',
    notice: 'Users report the site is gone again.',
    setup: [{ host: 'ns', run: 'true' }],
    checks: [{ ...minimal.checks[0], id: 'more' }],
    solve: [{ host: 'ns', run: 'true' }],
    ...overrides,
  };
}

function revealing(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pattern: '\\bdig\\b.*@\\s*(ns|{{hosts.ns.ip}})\\b',
    label: 'asked the name server directly',
    examples: ['dig @{{hosts.ns.ip}} {{site}}.lab', 'dig {{site}}.lab @ns'],
    ...overrides,
  };
}

function scenarioDir(spec: unknown, extra: Record<string, string> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-scn-'));
  return writeScenario(root, 'unit-minimal', {
    'scenario.yaml': YAML.stringify(spec),
    'brief.md': 'Visit {{site}}',
    'solution.md': 'The answer is {{hosts.ns.ip}}',
    'files/x.conf': 'listen {{port}} on {{hosts.ns.ip}}',
    'checks/ok.sh': 'test {{port}} -gt 0',
    ...extra,
  });
}

function rejection(spec: unknown, extra: Record<string, string> = {}): ScenarioError {
  try {
    loadScenario(scenarioDir(spec, extra));
  } catch (err) {
    if (err instanceof ScenarioError) return err;
    throw err;
  }
  throw new Error('scenario was accepted');
}

describe('scenario loader', () => {
  it('accepts a valid scenario and reads every file it names', () => {
    const s = loadScenario(scenarioDir(minimal));
    expect(s.spec.id).toBe('unit-minimal');
    expect(s.brief).toBe('Visit {{site}}');
    expect([...s.files.keys()].sort()).toEqual(['brief.md', 'checks/ok.sh', 'files/x.conf', 'solution.md']);
  });

  it.each([
    ['a missing required field', { ...minimal, title: undefined }, 'title'],
    ['an unknown category', { ...minimal, category: 'smtp' }, 'category'],
    ['an unknown field', { ...minimal, colour: 'red' }, ''],
    ['a check naming an unknown host', { ...minimal, checks: [{ ...minimal.checks[0], host: 'db', advisory: true, script: undefined, run: 'true' }] }, 'checks[0].host'],
    ['a counted check on a host the candidate reaches', { ...minimal, checks: [{ ...minimal.checks[0], host: 'ns' }] }, 'checks[0].host'],
    ['a state read from an unknown host', { ...minimal, checks: [{ ...minimal.checks[0], reads: [{ host: 'db', path: '/etc/x' }] }] }, 'checks[0].reads[0].host'],
    ['a state read with a relative path', { ...minimal, checks: [{ ...minimal.checks[0], reads: [{ host: 'ws', path: 'etc/x' }] }] }, 'checks[0].reads[0].path'],
    ['a scenario host named like the checker', { ...minimal, hosts: { ...minimal.hosts, checker: { image: 'dns' } } }, 'hosts.checker'],
    ['a host on the checker\'s address', { ...minimal, variables: {}, hosts: { ...minimal.hosts, ns: { image: 'dns', address: 253 } } }, 'hosts.ns.address'],
    ['a solve step on the checker', { ...minimal, solve: [{ host: 'checker', run: 'true' }] }, 'solve[0].host'],
    ['a check with both run and script', { ...minimal, checks: [{ ...minimal.checks[0], run: 'true' }] }, 'checks[0]'],
    ['no terminal host', { ...minimal, hosts: { ns: { image: 'dns' } } }, 'hosts'],
    ['a dangerous capability', { ...minimal, hosts: { ...minimal.hosts, ws: { image: 'workstation', terminal: true, capabilities: ['SYS_ADMIN'] } } }, 'hosts.ws.capabilities[0]'],
    ['a path escaping the folder', { ...minimal, brief: '../etc/passwd' }, 'brief'],
    ['a missing script file', { ...minimal, checks: [{ ...minimal.checks[0], script: 'checks/missing.sh' }] }, 'checks[0].script'],
    ['an id that differs from the folder', { ...minimal, id: 'other-name' }, 'id'],
    ['a check without a candidate-facing symptom', { ...minimal, checks: [{ ...minimal.checks[0], symptom: undefined }] }, 'checks[0].symptom'],
    ['a blank symptom', { ...minimal, checks: [{ ...minimal.checks[0], symptom: '   ' }] }, 'checks[0].symptom'],
    ['a symptom that repeats the title', { ...minimal, checks: [{ ...minimal.checks[0], symptom: 'NS answers for the zone' }] }, 'checks[0].symptom'],
    ['an escalation without a candidate notice', { ...minimal, escalations: [escalation({ notice: undefined })] }, 'escalations[0].notice'],
    ['an escalation check without a symptom', { ...minimal, escalations: [escalation({ checks: [{ ...minimal.checks[0], id: 'more', symptom: undefined }] })] }, 'escalations[0].checks[0].symptom'],
    ['duplicate check ids', { ...minimal, checks: [minimal.checks[0], minimal.checks[0]] }, 'checks[1].id'],
    ['a fault host that is not declared', { ...minimal, faultHosts: ['db'] }, 'faultHosts[0]'],
    ['a revealing command on an undeclared host', { ...minimal, revealing: [revealing({ hosts: ['db'] })] }, 'revealing[0].hosts[0]'],
    ['a revealing pattern that does not compile', { ...minimal, revealing: [revealing({ pattern: '\\bdig(' })] }, 'revealing[0].pattern'],
    ['a revealing pattern that compiles only before rendering', { ...minimal, revealing: [revealing({ pattern: 'curl .*{{site}}[' })] }, 'revealing[0].pattern'],
    ['a revealing pattern that does not render', { ...minimal, revealing: [revealing({ pattern: 'dig {{#site}}' })] }, 'revealing[0].pattern'],
    ['a revealing pattern matching an empty line', { ...minimal, revealing: [revealing({ pattern: '(dig)?' })] }, 'revealing[0].pattern'],
    ['a revealing pattern matching ls', { ...minimal, revealing: [revealing({ pattern: '\\bls\\b|dig @' })] }, 'revealing[0].pattern'],
    ['a revealing pattern matching cat of any file', { ...minimal, revealing: [revealing({ pattern: '^(sudo )?cat ' })] }, 'revealing[0].pattern'],
    ['a revealing example the pattern misses', { ...minimal, revealing: [revealing({ examples: ['dig {{site}}.lab'] })] }, 'revealing[0].examples[0]'],
    ['a revealing label too short', { ...minimal, revealing: [revealing({ label: 'ns' })] }, 'revealing[0].label'],
  ])('rejects %s, naming the file and field', (_what, spec, field) => {
    const err = rejection(spec);
    expect(err.file).toMatch(/scenario\.yaml$/);
    if (field) expect(err.field).toBe(field);
    expect(err.message).toContain('scenario.yaml');
  });

  it('accepts setup that hands the checker a file, and advisory checks on a scenario host', () => {
    const s = loadScenario(
      scenarioDir({
        ...minimal,
        setup: [{ copy: { fromHost: 'ns', from: '/etc/x/ca.crt', toHost: 'checker', to: '/etc/ssl/lab/root.crt' } }],
        checks: [
          { ...minimal.checks[0], reads: [{ host: 'ws', path: '/etc/resolv.conf' }, { host: 'ns', processes: true }] },
          { ...minimal.checks[0], id: 'hint', host: 'ns', advisory: true },
        ],
      }),
    );
    const rendered = renderScenario(s, { envId: 'e1', subnet: '10.9.8.0/24', seed: 's' });
    expect(rendered.checks.map((c) => [c.host, c.advisory])).toEqual([
      ['checker', false],
      ['ns', true],
    ]);
    expect(rendered.checks[0]?.reads).toEqual([{ host: 'ws', path: '/etc/resolv.conf' }, { host: 'ns', processes: true }]);
    expect(rendered.checker).toEqual({ ip: '10.9.8.253', dnsServer: rendered.hosts.find((h) => h.name === 'ns')?.ip, searchDomains: [] });
  });

  it('explains why a revealing pattern is refused', () => {
    expect(rejection({ ...minimal, revealing: [revealing({ pattern: '.*' })] }).message).toMatch(/matches an empty command line, so it would mark commands that show nothing/);
    expect(rejection({ ...minimal, revealing: [revealing({ pattern: 'cd|dig @' })] }).message).toMatch(/matches the everyday command "cd \/"/);
    expect(rejection({ ...minimal, revealing: [revealing({ pattern: 'dig (' })] }).message).toMatch(/not a JavaScript regular expression once rendered/);
    expect(rejection({ ...minimal, revealing: [revealing({ examples: ['host {{site}}.lab'] })] }).message).toMatch(/"host (shop|store|cart)\.lab" does not match the pattern/);
  });

  it('accepts fault hosts and revealing commands, and renders their templates per environment', () => {
    const s = loadScenario(scenarioDir({ ...minimal, faultHosts: ['ns'], revealing: [revealing({ hosts: ['ws'] })] }));
    const r = renderScenario(s, { envId: 'e1', subnet: '10.9.8.0/24', seed: 's' });
    const ns = r.hosts.find((h) => h.name === 'ns');
    expect(r.faultHosts).toEqual(['ns']);
    expect(r.revealing).toEqual([{ pattern: `\\bdig\\b.*@\\s*(ns|${ns?.ip})\\b`, label: 'asked the name server directly', hosts: ['ws'] }]);
  });

  it('rejects YAML that does not parse', () => {
    const dir = scenarioDir(minimal);
    fs.writeFileSync(path.join(dir, 'scenario.yaml'), 'id: [unclosed');
    expect(() => loadScenario(dir)).toThrow(/not valid YAML/);
  });

  it('loads the real catalogue with no invalid scenario', () => {
    const { scenarios, errors } = loadCatalogue(path.resolve('scenarios'));
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(scenarios.size).toBeGreaterThanOrEqual(1);
  });

  it('gives every check and escalation of the catalogue candidate-facing text apart from the interviewer\'s', () => {
    const { scenarios } = loadCatalogue(path.resolve('scenarios'));
    for (const { spec } of scenarios.values()) {
      const checks = [...spec.checks, ...spec.escalations.flatMap((e) => e.checks)];
      for (const c of checks) {
        expect(c.symptom.trim().length, `${spec.id}/${c.id}`).toBeGreaterThan(10);
        expect(c.symptom.toLowerCase(), `${spec.id}/${c.id}`).not.toBe(c.title.toLowerCase());
        // A multi-word id often names the cause (e.g. stale-hosts-pin): the symptom must not repeat it.
        if (c.id.includes('-')) expect(c.symptom.toLowerCase(), `${spec.id}/${c.id}`).not.toContain(c.id);
      }
      for (const e of spec.escalations) {
        expect(e.notice.trim().length, `${spec.id}/${e.id}`).toBeGreaterThan(10);
        expect(e.notice.toLowerCase(), `${spec.id}/${e.id}`).not.toContain(e.title.toLowerCase());
        expect(e.notice.toLowerCase(), `${spec.id}/${e.id}`).not.toContain(e.id.replaceAll('-', ' '));
      }
    }
  });
});

/** What candidates type all session long in every scenario: no revealing pattern may mark them. */
const EVERYDAY_COMMANDS = [
  ...TRIVIAL_COMMANDS,
  'ls -la /etc',
  'cd /etc/nginx',
  'hostname',
  'date',
  'uptime',
  'ps aux',
  'top',
  'df -h',
  'free -m',
  'uname -a',
  'id',
  'env',
  'ip a',
  'which curl',
  'cat /etc/hostname',
  'cat /etc/os-release',
  'vim notes.txt',
  'ssh ws',
  'ssh ns',
  'ssh web',
  'ssh app',
  'ssh proxy',
  'man bash',
  'apt list --installed',
  'sudo -i',
  'export TERM=xterm',
];

describe('revealing commands of the catalogue', () => {
  const { scenarios } = loadCatalogue(path.resolve('scenarios'));
  const seeds = ['seed-a', 'seed-b'];

  it.each([...scenarios.keys()])('%s names its fault hosts and 3-6 revealing commands', (id) => {
    const { spec } = scenarios.get(id)!;
    expect(spec.faultHosts.length).toBeGreaterThan(0);
    expect(spec.revealing.length).toBeGreaterThanOrEqual(3);
    expect(spec.revealing.length).toBeLessThanOrEqual(6);
    expect(new Set(spec.revealing.map((r) => r.label)).size, 'labels are distinct').toBe(spec.revealing.length);
  });

  it.each([...scenarios.keys()])('%s: each pattern matches its examples and no everyday command, for two seeds', (id) => {
    const { spec } = scenarios.get(id)!;
    for (const seed of seeds) {
      const { render } = templateRenderer(spec, { envId: 'e1', subnet: '10.77.3.0/24', seed });
      for (const r of spec.revealing) {
        const pattern = new RegExp(render(r.pattern));
        expect(r.examples?.length ?? 0, `${r.label}: examples`).toBeGreaterThan(0);
        for (const example of r.examples ?? []) expect(render(example), `${r.label} (${seed})`).toMatch(pattern);
        for (const everyday of EVERYDAY_COMMANDS) expect(everyday, `${r.label} must not mark`).not.toMatch(pattern);
      }
    }
  });
});

describe('variables and rendering', () => {
  const scenario = () => loadScenario(scenarioDir(minimal));
  const placement = (seed: string) => ({ envId: 'abc123', subnet: '10.213.9.0/24', seed });

  it('draws the same values from the same seed and different ones across seeds', () => {
    const s = scenario();
    expect(drawVariables(s.spec, 'seed-1')).toEqual(drawVariables(s.spec, 'seed-1'));
    const draws = new Set(Array.from({ length: 20 }, (_, i) => JSON.stringify(drawVariables(s.spec, `seed-${i}`))));
    expect(draws.size).toBeGreaterThan(1);
  });

  it('renders templates with variables and host addresses in the environment subnet', () => {
    const r = renderScenario(scenario(), placement('seed-7'));
    const ns = r.hosts.find((h) => h.name === 'ns');
    expect(ns?.ip).toBe(`10.213.9.${r.variables.spare}`);
    expect(r.hosts.find((h) => h.name === 'ws')?.ip).toBe('10.213.9.10');
    expect(r.hosts.find((h) => h.name === 'ws')?.dnsServer).toBe(ns?.ip);
    expect(ns?.files[0]?.path).toBe(`/etc/x/${r.variables.site}.conf`);
    expect(ns?.files[0]?.content.toString()).toBe(`listen ${r.variables.port} on ${ns?.ip}`);
    expect(r.brief).toBe(`Visit ${r.variables.site}`);
    expect(r.solve[0]).toMatchObject({ kind: 'run', host: 'ns', script: `echo fix ${r.variables.site}` });
  });

  it('renders the candidate-facing symptom and notice with the variables', () => {
    const withEscalation = {
      ...minimal,
      checks: [{ ...minimal.checks[0], symptom: 'http://{{site}}.lab/ opens' }],
      escalations: [escalation({ notice: 'Users report {{site}}.lab is gone again.' })],
    };
    const r = renderScenario(loadScenario(scenarioDir(withEscalation)), placement('seed-3'));
    expect(r.checks[0]?.symptom).toBe(`http://${r.variables.site}.lab/ opens`);
    expect(r.escalations[0]?.notice).toBe(`Users report ${r.variables.site}.lab is gone again.`);
    expect(r.escalations[0]?.checks[0]?.symptom).toBe('The site opens');
  });
});

describe('JSON Schema export', () => {
  it('matches the committed scenarios/scenario.schema.json', () => {
    const committed = JSON.parse(fs.readFileSync(path.resolve('scenarios/scenario.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(scenarioJsonSchema());
  });
});
