import Mustache from 'mustache';
import type { Scenario } from './loader.js';
import { CHECKER_HOST, CHECKER_OCTET, type CheckSpec, type ScenarioSpec, type StepSpec } from './schema.js';
import { assignOctets, drawVariables, type VariableValues } from './variables.js';

// Scenario templates produce shell scripts and config files, never HTML: no escaping.
Mustache.escape = (text: string) => text;

/** Where an environment lives, known before any container exists. */
export interface Placement {
  envId: string;
  /** The environment's /24, e.g. "10.213.7.0/24". */
  subnet: string;
  seed: string;
}

export interface RenderedFile {
  path: string;
  mode: number;
  content: Buffer;
  /** Kept from the source when it matters (state a check reads); otherwise the time of the copy. */
  mtime?: Date;
}

export interface RenderedHost {
  name: string;
  image: string;
  hostname: string;
  ip: string;
  terminal: boolean;
  dnsServer: string | undefined;
  searchDomains: string[];
  capabilities: string[];
  files: RenderedFile[];
  env: Record<string, string>;
  sysctls: Record<string, string>;
  waitReady: boolean;
  memoryMb: number | undefined;
}

export type RenderedStep =
  | { kind: 'run'; host: string; script: string; timeoutSeconds: number; label: string }
  | { kind: 'copy'; fromHost: string; from: string; toHost: string; to: string; label: string };

export type RenderedStateRead = { host: string; path: string } | { host: string; processes: true };

export interface RenderedCheck {
  id: string;
  title: string;
  /** What the candidate is shown for this check: the symptom, never the cause. */
  symptom: string;
  /** The checker, unless the check is advisory. */
  host: string;
  advisory: boolean;
  reads: RenderedStateRead[];
  script: string;
  timeoutSeconds: number;
}

/** The environment's hidden check host: its address, and the resolver the terminal host was given. */
export interface RenderedChecker {
  ip: string;
  dnsServer: string | undefined;
  searchDomains: string[];
}

export interface RenderedEscalation {
  id: string;
  title: string;
  description: string;
  /** What the candidate is told when it is injected. */
  notice: string;
  setup: RenderedStep[];
  checks: RenderedCheck[];
  solve: RenderedStep[];
}

/** A scenario made concrete for one environment: every template filled in. */
export interface RenderedScenario {
  scenarioId: string;
  placement: Placement;
  variables: VariableValues;
  brief: string;
  solution: string;
  hints: string[];
  hosts: RenderedHost[];
  checker: RenderedChecker;
  setup: RenderedStep[];
  checks: RenderedCheck[];
  solve: RenderedStep[];
  escalations: RenderedEscalation[];
  faultHosts: string[];
  /** Patterns rendered for this environment; the command timeline marks commands that match. */
  revealing: { pattern: string; label: string; hosts?: string[] }[];
}

/**
 * Scenario text before any variant is drawn (the catalogue): each placeholder becomes a readable
 * stand-in (`‹site›`, `‹web's address›`) instead of the raw `{{site}}`.
 */
export function previewText(template: string): string {
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
    const host = /^hosts\.([\w-]+)\.(ip|octet|hostname)$/.exec(name);
    if (host) return `‹${host[1]}'s ${host[2] === 'ip' ? 'address' : host[2]}›`;
    return `‹${name.replace(/^env\./, '')}›`;
  });
}

export function subnetPrefix(subnet: string): string {
  const match = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(subnet);
  if (!match?.[1]) throw new Error(`environment subnet ${subnet} is not a /24`);
  return match[1];
}

/** What every template of a scenario sees in one placement: variables, env, hosts, checker. */
export function templateRenderer(
  spec: ScenarioSpec,
  placement: Placement,
): { variables: VariableValues; hostsView: Record<string, { ip: string; octet: number; hostname: string }>; checkerIp: string; render: (template: string) => string } {
  const variables = drawVariables(spec, placement.seed);
  const prefix = subnetPrefix(placement.subnet);
  const base = { ...variables, env: { id: placement.envId, subnet: placement.subnet, prefix, seed: placement.seed } };
  const octets = assignOctets(spec, (t) => Mustache.render(t, base));
  const hostsView: Record<string, { ip: string; octet: number; hostname: string }> = {};
  for (const [name, host] of Object.entries(spec.hosts)) {
    const octet = octets[name] as number;
    hostsView[name] = { ip: `${prefix}.${octet}`, octet, hostname: host.hostname ?? name };
  }
  const checkerIp = `${prefix}.${CHECKER_OCTET}`;
  const view = { ...base, hosts: hostsView, checker: { ip: checkerIp } };
  return { variables, hostsView, checkerIp, render: (template: string) => Mustache.render(template, view) };
}

export function renderScenario(scenario: Scenario, placement: Placement): RenderedScenario {
  const { spec } = scenario;
  const { variables, hostsView, checkerIp, render } = templateRenderer(spec, placement);
  const text = (rel: string) => (scenario.files.get(rel) as Buffer).toString('utf8');
  const scriptOf = (s: { run?: string | undefined; script?: string | undefined }) =>
    render(s.run ?? text(s.script as string));

  const steps = (list: StepSpec[], what: string): RenderedStep[] =>
    list.map((s, i) =>
      'copy' in s
        ? { kind: 'copy', ...s.copy, from: render(s.copy.from), to: render(s.copy.to), label: `${what}[${i}] copy` }
        : {
            kind: 'run',
            host: s.host,
            script: scriptOf(s),
            timeoutSeconds: s.timeoutSeconds,
            label: `${what}[${i}] ${s.script ?? 'inline'} on ${s.host}`,
          },
    );
  const checks = (list: CheckSpec[]): RenderedCheck[] =>
    list.map((c) => ({
      id: c.id,
      title: render(c.title),
      symptom: render(c.symptom),
      host: c.host ?? CHECKER_HOST,
      advisory: c.advisory,
      reads: c.reads.map((r) => ('path' in r ? { host: r.host, path: render(r.path) } : r)),
      script: scriptOf(c),
      timeoutSeconds: c.timeoutSeconds,
    }));

  const hosts: RenderedHost[] = Object.entries(spec.hosts).map(([name, host]) => ({
    name,
    image: host.image,
    hostname: render(host.hostname ?? name),
    ip: hostsView[name]?.ip as string,
    terminal: host.terminal,
    dnsServer: host.dns ? hostsView[host.dns]?.ip : undefined,
    searchDomains: host.searchDomains.map(render),
    capabilities: host.capabilities,
    files: host.files.map((f) => {
      const raw = f.source ? (scenario.files.get(f.source) as Buffer) : Buffer.from(f.content ?? '', 'utf8');
      return {
        path: render(f.path),
        mode: parseInt(f.mode, 8),
        content: f.template ? Buffer.from(render(raw.toString('utf8')), 'utf8') : raw,
      };
    }),
    env: Object.fromEntries(Object.entries(host.env).map(([k, v]) => [k, render(v)])),
    sysctls: Object.fromEntries(Object.entries(host.sysctls).map(([k, v]) => [k, render(v)])),
    waitReady: host.waitReady,
    memoryMb: host.memoryMb,
  }));

  const terminal = hosts.find((h) => h.terminal);
  return {
    scenarioId: spec.id,
    placement,
    variables,
    brief: render(scenario.brief),
    solution: render(scenario.solution),
    hints: spec.hints.map(render),
    hosts,
    checker: { ip: checkerIp, dnsServer: terminal?.dnsServer, searchDomains: terminal?.searchDomains ?? [] },
    setup: steps(spec.setup, 'setup'),
    checks: checks(spec.checks),
    solve: steps(spec.solve, 'solve'),
    escalations: spec.escalations.map((e) => ({
      id: e.id,
      title: render(e.title),
      description: render(e.description),
      notice: render(e.notice),
      setup: steps(e.setup, `escalation ${e.id} setup`),
      checks: checks(e.checks),
      solve: steps(e.solve, `escalation ${e.id} solve`),
    })),
    faultHosts: spec.faultHosts,
    revealing: spec.revealing.map(({ pattern, label, hosts }) => ({ pattern: render(pattern), label, ...(hosts ? { hosts } : {}) })),
  };
}
