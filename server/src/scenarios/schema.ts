import { z } from 'zod';

/**
 * The scenario format: `scenarios/<id>/scenario.yaml` plus the files and scripts it names.
 * Paths are relative to the scenario folder. Every text file, script, the brief, hints and the
 * solution are Mustache templates rendered with the environment's variables (see variables.ts).
 */

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'use lowercase letters, digits and dashes (2-63 characters)');
/**
 * The hidden vantage point every environment gets (runtime/checker.ts). Scenario hosts cannot
 * take its name; setup steps may name it to hand it what checks need (a trust anchor).
 */
export const CHECKER_HOST = 'checker';
/** The checker's last octet in every environment subnet; no host may take it, no variable draws it. */
export const CHECKER_OCTET = 253;

const hostName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,20}$/, 'use a short lowercase name (letters, digits, dashes; at most 21 characters)');
const relPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be a path inside the scenario folder');
const absPath = z.string().startsWith('/', 'must be an absolute path inside the container');
const capability = z
  .string()
  .regex(/^[A-Z_]+$/, 'use the capability name without CAP_, e.g. NET_ADMIN')
  .refine((c) => !['SYS_ADMIN', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_PTRACE', 'SYS_BOOT', 'MAC_ADMIN', 'MAC_OVERRIDE', 'DAC_READ_SEARCH', 'SYSLOG', 'SYS_TIME', 'MKNOD', 'BPF', 'PERFMON'].includes(c), 'this capability would let a candidate escape or harm the host and is never granted');

const exactlyOneScript = (s: { run?: string | undefined; script?: string | undefined }) =>
  (s.run === undefined) !== (s.script === undefined);
const exactlyOneScriptMessage = 'give exactly one of `run` (inline script) or `script` (a file in the scenario folder)';

export const runStepSchema = z
  .object({
    host: hostName,
    run: z.string().min(1).optional(),
    script: relPath.optional(),
    timeoutSeconds: z.number().positive().max(300).default(60),
  })
  .strict()
  .refine(exactlyOneScript, exactlyOneScriptMessage);

export const copyStepSchema = z
  .object({
    copy: z
      .object({
        fromHost: hostName,
        from: absPath,
        toHost: hostName,
        to: absPath,
      })
      .strict(),
  })
  .strict();

/** Setup and solve steps: run a script on a host, or copy a file from one host to another. */
export const stepSchema = z.union([copyStepSchema, runStepSchema]);

/** Candidate-facing text: what a user would notice, never the cause. */
const candidateText = z.string().trim().min(3).max(200);

/**
 * State of a host the candidate controls, read through the engine before the check runs (nothing
 * executes inside that host): a file, or every regular file under a folder, through the archive
 * API (symbolic links are not followed), or the process list the engine reports. The check finds
 * it under $FL_STATE/<host>/ (`fl_state` in the check helper).
 */
export const stateReadSchema = z.union([
  z.object({ host: hostName, path: absPath }).strict(),
  z.object({ host: hostName, processes: z.literal(true) }).strict(),
]);

export const checkSchema = z
  .object({
    id,
    /** Interviewer-facing: what the check verifies, free to name the cause. */
    title: z.string().min(3),
    /** Candidate-facing: the symptom this check watches, as a user would notice it, never the cause. */
    symptom: candidateText,
    /**
     * Where the script runs. Left out: on the checker, a container of the environment no candidate
     * can reach. A scenario host only with `advisory: true`: the candidate can forge what runs there.
     */
    host: hostName.optional(),
    /** Shown to everyone, never counted toward solved; the interviewer sees it is advisory. */
    advisory: z.boolean().default(false),
    reads: z.array(stateReadSchema).max(16).default([]),
    run: z.string().min(1).optional(),
    script: relPath.optional(),
    timeoutSeconds: z.number().positive().max(60).default(10),
  })
  .strict()
  .refine(exactlyOneScript, exactlyOneScriptMessage)
  .refine((c) => c.host === undefined || c.host === CHECKER_HOST || c.advisory, {
    message:
      'a check that runs on a host the candidate can reach can be forged from there: leave `host` out to run it on the checker (read that host\'s state with `reads`), or mark it `advisory: true`',
    path: ['host'],
  })
  .refine((c) => c.symptom.trim().toLowerCase() !== c.title.trim().toLowerCase(), {
    message: 'the symptom is what a candidate sees: write it as a user would notice the problem, not the title',
    path: ['symptom'],
  });

const fileSchema = z
  .object({
    path: absPath,
    source: relPath.optional(),
    content: z.string().optional(),
    mode: z
      .string()
      .regex(/^0?[0-7]{3,4}$/, 'an octal mode such as "0644"')
      .default('0644'),
    template: z.boolean().default(true),
  })
  .strict()
  .refine((f) => (f.source === undefined) !== (f.content === undefined), 'give exactly one of `source` or `content`');

export const hostSchema = z
  .object({
    image: z.string().regex(/^[a-z0-9-]+$/, 'name an image from scenarios/images, e.g. workstation'),
    hostname: z.string().regex(/^[a-z0-9.-]+$/).optional(),
    terminal: z.boolean().default(false),
    /** Last octet of the host's address in the environment subnet; a number or a {{variable}}. */
    address: z
      .union([z.number().int().min(2).max(254).refine((o) => o !== CHECKER_OCTET, `${CHECKER_OCTET} is the environment checker's address`), z.string()])
      .optional(),
    /** Which host's DNS server /etc/resolv.conf points at; omit to keep none reachable. */
    dns: hostName.optional(),
    searchDomains: z.array(z.string().regex(/^[a-z0-9.{}_-]+$/)).default([]),
    capabilities: z.array(capability).default([]),
    files: z.array(fileSchema).default([]),
    env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), z.string()).default({}),
    /** Network sysctls set at creation (/proc/sys is read-only inside). */
    sysctls: z.record(z.string().regex(/^net\./, 'only net.* sysctls are namespaced'), z.string()).default({}),
    /** Wait for the image's readiness probe before setup; off for hosts broken from the start. */
    waitReady: z.boolean().default(true),
    memoryMb: z.number().int().min(32).max(4096).optional(),
  })
  .strict();

const variableSchema = z.union([
  z.object({ pick: z.array(z.union([z.string(), z.number()])).min(1) }).strict(),
  z.object({ int: z.object({ min: z.number().int(), max: z.number().int() }).strict() }).strict(),
  /** A free last octet in the environment subnet, distinct from every other octet drawn. */
  z.object({ octet: z.literal(true) }).strict(),
]);

export const escalationSchema = z
  .object({
    id,
    /** Interviewer-facing; may name the cause. */
    title: z.string().min(3),
    description: z.string().min(3),
    /** Candidate-facing news when it is injected: what users now report, never the cause. */
    notice: candidateText,
    setup: z.array(stepSchema).min(1),
    checks: z.array(checkSchema).default([]),
    solve: z.array(stepSchema).min(1),
  })
  .strict();

/**
 * A command that shows method (for example `dig` straight at the name server): the interviewer's
 * command timeline marks it when the candidate's shell reports it. Never used for pass or fail.
 */
export const revealingCommandSchema = z
  .object({
    /** A JavaScript regular expression, matched against each reported command line (templates allowed). */
    pattern: z.string().min(1),
    /** Interviewer-facing: what running it shows, e.g. "asked the name server directly". */
    label: z.string().min(3).max(120),
    /** Only commands run on these hosts count (default: any host). */
    hosts: z.array(hostName).min(1).optional(),
    /**
     * Command lines a candidate would really type that the pattern must match (templates
     * allowed); the loader proves each one matches, the tests that everyday commands do not.
     */
    examples: z.array(z.string().min(1)).min(1).max(12).optional(),
  })
  .strict();

export const scenarioSchema = z
  .object({
    id,
    title: z.string().min(3).max(100),
    category: z.enum(['dns', 'tls', 'tcp', 'http', 'mixed']),
    difficulty: z.enum(['easy', 'medium', 'hard']),
    timeLimitMinutes: z.number().int().min(1).max(240),
    tags: z.array(z.string().regex(/^[a-z0-9-]+$/)).default([]),
    /** One line, the symptom as a user would report it (shown in the catalogue). */
    summary: z.string().min(3).max(200),
    brief: relPath,
    solution: relPath,
    variables: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'use snake_case names'), variableSchema).default({}),
    hosts: z
      .record(hostName.refine((h) => h !== CHECKER_HOST, `"${CHECKER_HOST}" is the environment's hidden check host; name this host otherwise`), hostSchema)
      .refine((h) => Object.keys(h).length > 0, 'declare at least one host'),
    setup: z.array(stepSchema).default([]),
    checks: z.array(checkSchema).min(1),
    hints: z.array(z.string().min(3)).min(1),
    solve: z.array(stepSchema).min(1),
    escalations: z.array(escalationSchema).default([]),
    /** Interviewer-facing: where the fault lives; the report times the candidate's first command there. */
    faultHosts: z.array(hostName).default([]),
    revealing: z.array(revealingCommandSchema).default([]),
  })
  .strict();

export type ScenarioSpec = z.infer<typeof scenarioSchema>;
export type HostSpec = z.infer<typeof hostSchema>;
export type StepSpec = z.infer<typeof stepSchema>;
export type CheckSpec = z.infer<typeof checkSchema>;
export type StateReadSpec = z.infer<typeof stateReadSchema>;
export type VariableSpec = z.infer<typeof variableSchema>;
export type EscalationSpec = z.infer<typeof escalationSchema>;
export type RevealingCommandSpec = z.infer<typeof revealingCommandSchema>;

/** The JSON Schema editors use for scenario.yaml (written to scenarios/scenario.schema.json). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
