import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { ScenarioError } from '../errors/index.js';
import { templateRenderer } from './render.js';
import { CHECKER_HOST, scenarioSchema, type CheckSpec, type ScenarioSpec, type StepSpec } from './schema.js';

/** A validated scenario with every file it names read into memory. */
export interface Scenario {
  spec: ScenarioSpec;
  dir: string;
  brief: string;
  solution: string;
  /** Contents of every `script:` and file `source:`, keyed by path relative to the folder. */
  files: Map<string, Buffer>;
}

/** Folders under scenarios/ that are not scenarios. */
const NOT_SCENARIOS = new Set(['images', 'node_modules']);

export const SCENARIO_FILE = 'scenario.yaml';

function fieldPath(p: ReadonlyArray<PropertyKey>): string {
  return p.map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('').replace(/^\./, '');
}

function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  if (!issue) return { field: '', message: 'invalid' };
  // Unions report each branch; the deepest branch's issue is the one an author can act on.
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const branch = issue.errors.reduce((a, b) => (deepest(b) > deepest(a) ? b : a));
    const inner = branch[0];
    if (inner) return { field: fieldPath([...issue.path, ...inner.path]), message: inner.message };
  }
  return { field: fieldPath(issue.path), message: issue.message };
}

function deepest(issues: z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

/** Load and validate one scenario folder; throws ScenarioError naming the file and field. */
export function loadScenario(dir: string): Scenario {
  const folder = path.basename(dir);
  const file = path.join(folder, SCENARIO_FILE);
  const yamlPath = path.join(dir, SCENARIO_FILE);
  if (!fs.existsSync(yamlPath)) throw new ScenarioError(file, '', 'file not found');
  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(yamlPath, 'utf8'), { prettyErrors: true });
  } catch (err) {
    throw new ScenarioError(file, '', `not valid YAML: ${(err as Error).message}`);
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const { field, message } = firstIssue(parsed.error);
    throw new ScenarioError(file, field, message);
  }
  const spec = parsed.data;
  if (spec.id !== folder) throw new ScenarioError(file, 'id', `must equal the folder name "${folder}"`);
  checkReferences(spec, file);
  checkRevealing(spec, file);

  const files = new Map<string, Buffer>();
  const read = (rel: string, field: string): Buffer => {
    const abs = path.join(dir, rel);
    if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) {
      throw new ScenarioError(file, field, `names ${rel}, which does not exist in ${folder}/`);
    }
    const content = fs.readFileSync(abs);
    files.set(rel, content);
    return content;
  };
  const brief = read(spec.brief, 'brief').toString('utf8');
  const solution = read(spec.solution, 'solution').toString('utf8');
  const readSteps = (steps: StepSpec[], field: string) =>
    steps.forEach((s, i) => 'script' in s && s.script && read(s.script, `${field}[${i}].script`));
  const readChecks = (checks: CheckSpec[], field: string) =>
    checks.forEach((c, i) => c.script && read(c.script, `${field}[${i}].script`));
  for (const [name, host] of Object.entries(spec.hosts)) {
    host.files.forEach((f, i) => f.source && read(f.source, `hosts.${name}.files[${i}].source`));
  }
  readSteps(spec.setup, 'setup');
  readSteps(spec.solve, 'solve');
  readChecks(spec.checks, 'checks');
  spec.escalations.forEach((e, i) => {
    readSteps(e.setup, `escalations[${i}].setup`);
    readSteps(e.solve, `escalations[${i}].solve`);
    readChecks(e.checks, `escalations[${i}].checks`);
  });
  return { spec, dir, brief, solution, files };
}

/** A check that a field names a host declared under `hosts:`. */
function declaredHost(spec: ScenarioSpec, file: string): (h: string, field: string) => void {
  return (h, field) => {
    if (!Object.hasOwn(spec.hosts, h)) throw new ScenarioError(file, field, `names host "${h}", which is not declared under hosts`);
  };
}

/** Cross-field rules the schema alone cannot express. */
function checkReferences(spec: ScenarioSpec, file: string): void {
  const hosts = Object.keys(spec.hosts);
  const terminals = hosts.filter((h) => spec.hosts[h]?.terminal);
  if (terminals.length !== 1) {
    throw new ScenarioError(file, 'hosts', `exactly one host needs \`terminal: true\` (found ${terminals.length})`);
  }
  const known = declaredHost(spec, file);
  for (const [name, host] of Object.entries(spec.hosts)) {
    if (host.dns) known(host.dns, `hosts.${name}.dns`);
  }
  // Setup may hand the checker what its checks need; a solve is what a candidate types, and no
  // candidate reaches the checker.
  const knownOrChecker = (h: string, field: string) => {
    if (h !== CHECKER_HOST) known(h, field);
  };
  const steps = (list: StepSpec[], field: string, toChecker: boolean) =>
    list.forEach((s, i) => {
      const target = toChecker ? knownOrChecker : known;
      if ('copy' in s) {
        known(s.copy.fromHost, `${field}[${i}].copy.fromHost`);
        target(s.copy.toHost, `${field}[${i}].copy.toHost`);
      } else target(s.host, `${field}[${i}].host`);
    });
  const checkIds = new Set<string>();
  const checks = (list: CheckSpec[], field: string) =>
    list.forEach((c, i) => {
      if (c.host !== undefined) knownOrChecker(c.host, `${field}[${i}].host`);
      c.reads.forEach((r, j) => known(r.host, `${field}[${i}].reads[${j}].host`));
      if (checkIds.has(c.id)) throw new ScenarioError(file, `${field}[${i}].id`, `duplicate check id "${c.id}"`);
      checkIds.add(c.id);
    });
  steps(spec.setup, 'setup', true);
  steps(spec.solve, 'solve', false);
  checks(spec.checks, 'checks');
  const escalationIds = new Set<string>();
  spec.escalations.forEach((e, i) => {
    if (escalationIds.has(e.id)) throw new ScenarioError(file, `escalations[${i}].id`, `duplicate escalation id "${e.id}"`);
    escalationIds.add(e.id);
    steps(e.setup, `escalations[${i}].setup`, true);
    steps(e.solve, `escalations[${i}].solve`, false);
    checks(e.checks, `escalations[${i}].checks`);
  });
}

/**
 * Command lines that show nothing about a fault: a revealing pattern matching one of them would
 * mark half a session. Tests reuse the list.
 */
export const TRIVIAL_COMMANDS: readonly string[] = ['', 'ls', 'ls -la', 'cd /', 'cd ..', 'pwd', 'cat x', 'echo hello', 'clear', 'history', 'whoami', 'exit'];

/** Where revealing patterns are rendered for validation; any /24 and seed would do. */
const SAMPLE_PLACEMENT = { envId: 'sample', subnet: '10.99.7.0/24', seed: 'sample' };

/** faultHosts and revealing commands: declared hosts, patterns that compile and are specific. */
function checkRevealing(spec: ScenarioSpec, file: string): void {
  const known = declaredHost(spec, file);
  spec.faultHosts.forEach((h, i) => known(h, `faultHosts[${i}]`));
  if (spec.revealing.length === 0) return;
  let renderer: ((template: string) => string) | undefined;
  const render = (template: string, field: string): string => {
    try {
      renderer ??= templateRenderer(spec, SAMPLE_PLACEMENT).render;
      return renderer(template);
    } catch (err) {
      throw new ScenarioError(file, field, `does not render as a template: ${(err as Error).message}`);
    }
  };
  spec.revealing.forEach((r, i) => {
    const field = `revealing[${i}]`;
    r.hosts?.forEach((h, j) => known(h, `${field}.hosts[${j}]`));
    const source = render(r.pattern, `${field}.pattern`);
    let pattern: RegExp;
    try {
      pattern = new RegExp(source);
    } catch (err) {
      throw new ScenarioError(file, `${field}.pattern`, `is not a JavaScript regular expression once rendered (${(err as Error).message}); in YAML, single-quote it so backslashes stay as written`);
    }
    const trivial = TRIVIAL_COMMANDS.find((c) => pattern.test(c));
    if (trivial !== undefined) {
      const what = trivial === '' ? 'an empty command line' : `the everyday command "${trivial}"`;
      throw new ScenarioError(file, `${field}.pattern`, `matches ${what}, so it would mark commands that show nothing: require the tool and what it is aimed at, e.g. '\\bdig\\b.*@\\s*ns'`);
    }
    r.examples?.forEach((e, j) => {
      const example = render(e, `${field}.examples[${j}]`);
      if (!pattern.test(example)) {
        throw new ScenarioError(file, `${field}.examples[${j}]`, `"${example}" does not match the pattern /${source}/: fix the pattern or the example`);
      }
    });
  });
}

export interface Catalogue {
  scenarios: Map<string, Scenario>;
  errors: ScenarioError[];
}

/** Load every scenario folder under `root`; invalid ones are reported, not fatal. */
export function loadCatalogue(root: string): Catalogue {
  const scenarios = new Map<string, Scenario>();
  const errors: ScenarioError[] = [];
  if (!fs.existsSync(root)) {
    errors.push(new ScenarioError(root, '', 'scenarios folder not found (set FAULTLINE_SCENARIOS_DIR)'));
    return { scenarios, errors };
  }
  for (const entry of fs.readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || NOT_SCENARIOS.has(entry.name) || entry.name.startsWith('.')) continue;
    try {
      const scenario = loadScenario(path.join(root, entry.name));
      scenarios.set(scenario.spec.id, scenario);
    } catch (err) {
      if (err instanceof ScenarioError) errors.push(err);
      else throw err;
    }
  }
  return { scenarios, errors };
}
