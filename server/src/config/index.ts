import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { FaultlineError } from '../errors/index.js';

/**
 * Every setting comes from an environment variable, is validated once, and is documented in the
 * README's configuration table. Defaults are embedded so `npm start` works with nothing set.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const cidr = z
  .string()
  .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/, 'must be an IPv4 CIDR such as 10.213.0.0/16');

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function validProxy(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || !address) return false;
  const family = net.isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128);
}

export const configSchema = z.object({
  FAULTLINE_HOST: z.string().default('127.0.0.1'),
  FAULTLINE_PORT: int(0, 65535).default(7300),
  FAULTLINE_PUBLIC_URL: z.string().url().optional(),
  FAULTLINE_DATA_DIR: z.string().default('data'),
  FAULTLINE_SCENARIOS_DIR: z.string().default('scenarios'),
  /** Each environment takes one /24 from this pool. */
  FAULTLINE_SUBNET_POOL: cidr.default('10.213.0.0/16'),
  FAULTLINE_HOST_MEMORY_MB: int(32, 8192).default(256),
  FAULTLINE_HOST_CPUS: z.coerce.number().min(0.05).max(16).default(0.5),
  FAULTLINE_HOST_PIDS: int(16, 4096).default(256),
  FAULTLINE_HOST_FILE_MB: int(1, 65536).default(256),
  FAULTLINE_ENV_DISK_MB: int(16, 1024 * 1024).default(1024),
  FAULTLINE_ENV_TTL_MINUTES: int(1, 24 * 60).default(120),
  /** Environments brought up at once (network, containers, readiness, fault); more wait in the start queue. */
  FAULTLINE_START_CONCURRENCY: int(1, 64).default(3),
  /** Starts (new sessions, resets) allowed to wait for a turn; past it a request is refused at once. */
  FAULTLINE_START_QUEUE_MAX: int(0, 10_000).default(30),
  /** How long a host may take, from its container's start, to report ready. */
  FAULTLINE_READY_TIMEOUT_MS: int(5000, 3_600_000).default(120_000),
  FAULTLINE_DOCKER_TIMEOUT_MS: int(1000, 600_000).default(30_000),
  FAULTLINE_INTERVIEWER_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  FAULTLINE_ALLOW_PRACTICE: bool.default(true),
  FAULTLINE_ALLOWED_ORIGINS: z.string().optional(),
  FAULTLINE_CHECK_INTERVAL_MS: int(1000, 600_000).default(5000),
  FAULTLINE_CHECK_ROUNDS_PER_SECOND: z.coerce.number().min(0.1).max(1000).default(1),
  FAULTLINE_CHECK_AFTER_COMMAND_MS: int(0, 60_000).default(1000),
  FAULTLINE_MAX_SESSIONS: int(1, 1000).default(50),
  /** Sessions one client address (and, separately, the interviewer key) may create per minute. */
  FAULTLINE_SESSION_RATE_LIMIT: int(1, 100_000).default(30),
  /**
   * Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: comma-separated
   * addresses, CIDRs or loopback / linklocal / uniquelocal. Unset: nobody's.
   */
  FAULTLINE_TRUST_PROXY: z
    .string()
    .optional()
    .refine((v) => v === undefined || v.split(',').map((s) => s.trim()).filter(Boolean).every(validProxy), {
      message: 'must be comma-separated IP addresses, CIDRs (10.0.0.0/8) or loopback, linklocal, uniquelocal',
    }),
  /** Warm environments kept per scenario once it has been used (0 turns the pool off). */
  FAULTLINE_POOL_SIZE: int(0, 20).default(1),
  /** Comma-separated scenario ids warmed at start, before anyone asks for them. */
  FAULTLINE_POOL_SCENARIOS: z.string().default(''),
  FAULTLINE_POOL_MAX_AGE_MINUTES: int(1, 24 * 60).default(30),
  FAULTLINE_HOST_FIREWALL: bool.default(true),
  /** Automatic restarts of an environment's stopped hosts within 10 minutes (engine restarts not counted). */
  FAULTLINE_HOST_RESTARTS: int(0, 100).default(3),
  /** Terminal flow control: pause the shell above this many bytes unacknowledged by the candidate. */
  FAULTLINE_TERMINAL_HIGH_WATERMARK_KB: int(16, 65536).default(512),
  FAULTLINE_TERMINAL_LOW_WATERMARK_KB: int(1, 65536).default(128),
  /** A watcher further behind than this is dropped (close 4000) and resyncs from a snapshot. */
  FAULTLINE_WATCHER_MAX_LAG_KB: int(64, 262144).default(2048),
  /** Shell output is coalesced for this long before it is sent, to cut frame count. */
  FAULTLINE_TERMINAL_BATCH_MS: int(0, 100).default(4),
  FAULTLINE_WS_HEARTBEAT_MS: int(1000, 600_000).default(30_000),
  /** Size of one session's recording (output, input, resizes, markers); past it a marker, then nothing. */
  FAULTLINE_RECORDING_MAX_MB: int(1, 4096).default(64),
  /** Size of all recordings in the data directory together. */
  FAULTLINE_RECORDINGS_MAX_MB: int(1, 1024 * 1024).default(4096),
  /** Sessions get a warning event this many minutes before their time limit. */
  FAULTLINE_EXPIRY_WARNING_MINUTES: int(1, 60).default(5),
  FAULTLINE_LOBBY_OPENS_EARLY_MINUTES: int(0, 120).default(10),
  /** `serve` builds client/ when its dist is missing or stale; false skips that (CI, tests). */
  FAULTLINE_BUILD_CLIENT: bool.default(true),
  /** Lab images are tagged <namespace>/<name>; a second namespace never touches the first's images. */
  FAULTLINE_IMAGE_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, 'must be a lower-case image name part such as faultline or faultline-ci')
    .default('faultline'),
  /** Where the base image comes from: pull debian:bookworm-slim when it can (auto), or only one way. */
  FAULTLINE_BASE_IMAGE_SOURCE: z.enum(['auto', 'pull', 'debootstrap']).default('auto'),
  /** Mirror for debootstrap; unset, debootstrap uses its own default. */
  FAULTLINE_DEBIAN_MIRROR: z.string().url().optional(),
  /** Receives candidate.lobby and interview.finished (docs/webhooks.md); unset: no webhook. */
  FAULTLINE_WEBHOOK_URL: z
    .string()
    .url()
    .refine((v) => /^https?:\/\//i.test(v), { message: 'must be an http:// or https:// URL' })
    .optional(),
  /** Signs every delivery (HMAC-SHA256); required with FAULTLINE_WEBHOOK_URL. */
  FAULTLINE_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Whether the shared interviewer key still works for interviewer routes (docs/deployment.md). */
  FAULTLINE_INTERVIEWER_KEY_ENABLED: bool.default(true),
  /** A staff sign-in ends after this long without a request, and after FAULTLINE_SIGNIN_MAX_HOURS whatever happens. */
  FAULTLINE_SIGNIN_IDLE_MINUTES: int(5, 24 * 60).default(120),
  FAULTLINE_SIGNIN_MAX_HOURS: int(1, 24 * 30).default(12),
  /** Secure cookies: auto sets them when FAULTLINE_PUBLIC_URL is https. */
  FAULTLINE_SECURE_COOKIES: z.enum(['auto', 'true', 'false']).default('auto'),
  /** Single sign-on (OpenID Connect); unset: local accounts only. */
  FAULTLINE_OIDC_ISSUER: z.string().url().optional(),
  FAULTLINE_OIDC_CLIENT_ID: z.string().min(1).optional(),
  FAULTLINE_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The sign-in button's label ("Sign in with <name>"). */
  FAULTLINE_OIDC_NAME: z.string().min(1).max(60).default('single sign-on'),
  FAULTLINE_OIDC_SCOPES: z.string().default('openid email profile'),
  /** The ID token or userinfo claim that holds roles (a string or a list); dots reach into objects. */
  FAULTLINE_OIDC_ROLE_CLAIM: z.string().min(1).default('roles'),
  FAULTLINE_OIDC_ADMIN_ROLE: z.string().min(1).default('faultline-admin'),
  FAULTLINE_OIDC_INTERVIEWER_ROLE: z.string().min(1).default('faultline-interviewer'),
  /** Comma-separated email domains allowed to sign in; required with an issuer. */
  FAULTLINE_OIDC_ALLOWED_DOMAINS: z.string().optional(),
  /** Finished sessions (recordings, notes, scores, candidate names) are deleted this many days after they end. */
  FAULTLINE_RETENTION_DAYS: int(1, 3650).default(180),
  /** What a candidate is told before the terminal opens; unset: a notice built from the retention period. */
  FAULTLINE_CANDIDATE_NOTICE: z.string().max(4000).optional(),
}).superRefine((c, ctx) => {
  if (c.FAULTLINE_OIDC_ISSUER !== undefined) {
    for (const key of ['FAULTLINE_OIDC_CLIENT_ID', 'FAULTLINE_OIDC_CLIENT_SECRET', 'FAULTLINE_OIDC_ALLOWED_DOMAINS'] as const) {
      if (!c[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when FAULTLINE_OIDC_ISSUER is set (docs/deployment.md, "Single sign-on")' });
    }
  }
  // Unsigned deliveries would let anyone who finds the receiver forge them: refuse to start instead.
  if (c.FAULTLINE_WEBHOOK_URL !== undefined && c.FAULTLINE_WEBHOOK_SECRET === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['FAULTLINE_WEBHOOK_SECRET'],
      message: 'is required when FAULTLINE_WEBHOOK_URL is set (16+ characters, e.g. `openssl rand -hex 32`); the receiver uses it to verify deliveries',
    });
  }
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config {
  host: string;
  port: number;
  publicUrl: string | undefined;
  dataDir: string;
  dbPath: string;
  scenariosDir: string;
  subnetPool: string;
  limits: { memoryMb: number; cpus: number; pids: number; fileMb: number; diskMb: number };
  envTtlMinutes: number;
  /** Environments brought up at once. */
  startConcurrency: number;
  /** Starts allowed to wait for a turn before requests are refused (lab_full). */
  startQueueMax: number;
  /** Deadline for a host to report ready, counted from its container's start. */
  readyTimeoutMs: number;
  dockerTimeoutMs: number;
  interviewerKey: string | undefined;
  allowPractice: boolean;
  allowedOrigins: string[];
  checkIntervalMs: number;
  /**
   * Server-wide budget for periodic check rounds (each session's interval stretches to stay in
   * it), and separately for rounds after a command.
   */
  checkRoundsPerSecond: number;
  hostRestarts: number;
  /** A round this long after the candidate submits a command line (0: only periodic rounds). */
  checkAfterCommandMs: number;
  maxSessions: number;
  sessionRateLimitPerMinute: number;
  /** Proxies trusted for X-Forwarded-*; empty: none. */
  trustProxy: string[];
  pool: { size: number; prewarm: string[]; maxAgeMinutes: number };
  hostFirewall: boolean;
  terminal: {
    highWatermark: number;
    lowWatermark: number;
    watcherMaxLag: number;
    batchMs: number;
    heartbeatMs: number;
    recordingMaxBytes: number;
    recordingsMaxBytes: number;
  };
  expiryWarningMinutes: number;
  /** A scheduled interview's lobby opens this many minutes before its window. */
  lobbyOpensEarlyMinutes: number;
  buildClient: boolean;
  images: ImageSettings;
  /** Where hiring events are POSTed; unset: none are sent. */
  webhookUrl: string | undefined;
  /** HMAC key of the webhook's signature; always set when webhookUrl is. */
  webhookSecret: string | undefined;
  accounts: AccountSettings;
  /** Single sign-on; undefined when no issuer is configured. */
  oidc: OidcSettings | undefined;
  /** Days after its end a session's data is deleted. */
  retentionDays: number;
  /** Shown to candidates before the terminal opens. */
  candidateNotice: string;
}

export interface AccountSettings {
  interviewerKeyEnabled: boolean;
  idleMinutes: number;
  maxHours: number;
  secureCookies: boolean;
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
  scopes: string;
  roleClaim: string;
  adminRole: string;
  interviewerRole: string;
  /** Lower-case email domains. */
  allowedDomains: string[];
}

/** The notice candidates get unless FAULTLINE_CANDIDATE_NOTICE says otherwise. */
export function defaultCandidateNotice(retentionDays: number): string {
  return [
    'This session is recorded: what your terminal shows, what you type, the commands you run and their results, and the automatic checks.',
    'Your interviewer, and the colleagues of the hiring team who have access to this lab, can watch it live and afterwards, with their notes and scores.',
    `It is kept for ${String(retentionDays)} days after the interview ends, then deleted. To see or erase what is held about you before then, ask your interviewer.`,
  ].join(' ');
}

export interface ImageSettings {
  namespace: string;
  baseSource: 'auto' | 'pull' | 'debootstrap';
  debianMirror: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new FaultlineError('bad_request', `Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  const dataDir = path.resolve(cwd, c.FAULTLINE_DATA_DIR);
  return {
    host: c.FAULTLINE_HOST,
    port: c.FAULTLINE_PORT,
    publicUrl: c.FAULTLINE_PUBLIC_URL,
    dataDir,
    dbPath: path.join(dataDir, 'faultline.db'),
    scenariosDir: path.resolve(cwd, c.FAULTLINE_SCENARIOS_DIR),
    subnetPool: c.FAULTLINE_SUBNET_POOL,
    limits: {
      memoryMb: c.FAULTLINE_HOST_MEMORY_MB,
      cpus: c.FAULTLINE_HOST_CPUS,
      pids: c.FAULTLINE_HOST_PIDS,
      fileMb: c.FAULTLINE_HOST_FILE_MB,
      diskMb: c.FAULTLINE_ENV_DISK_MB,
    },
    envTtlMinutes: c.FAULTLINE_ENV_TTL_MINUTES,
    startConcurrency: c.FAULTLINE_START_CONCURRENCY,
    startQueueMax: c.FAULTLINE_START_QUEUE_MAX,
    readyTimeoutMs: c.FAULTLINE_READY_TIMEOUT_MS,
    dockerTimeoutMs: c.FAULTLINE_DOCKER_TIMEOUT_MS,
    interviewerKey: c.FAULTLINE_INTERVIEWER_KEY,
    allowPractice: c.FAULTLINE_ALLOW_PRACTICE,
    allowedOrigins: (c.FAULTLINE_ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    checkIntervalMs: c.FAULTLINE_CHECK_INTERVAL_MS,
    checkRoundsPerSecond: c.FAULTLINE_CHECK_ROUNDS_PER_SECOND,
    hostRestarts: c.FAULTLINE_HOST_RESTARTS,
    checkAfterCommandMs: c.FAULTLINE_CHECK_AFTER_COMMAND_MS,
    maxSessions: c.FAULTLINE_MAX_SESSIONS,
    sessionRateLimitPerMinute: c.FAULTLINE_SESSION_RATE_LIMIT,
    trustProxy: (c.FAULTLINE_TRUST_PROXY ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    pool: {
      size: c.FAULTLINE_POOL_SIZE,
      prewarm: c.FAULTLINE_POOL_SCENARIOS.split(',').map((s) => s.trim()).filter(Boolean),
      maxAgeMinutes: c.FAULTLINE_POOL_MAX_AGE_MINUTES,
    },
    hostFirewall: c.FAULTLINE_HOST_FIREWALL,
    terminal: {
      highWatermark: c.FAULTLINE_TERMINAL_HIGH_WATERMARK_KB * 1024,
      lowWatermark: Math.min(c.FAULTLINE_TERMINAL_LOW_WATERMARK_KB, c.FAULTLINE_TERMINAL_HIGH_WATERMARK_KB / 2) * 1024,
      watcherMaxLag: c.FAULTLINE_WATCHER_MAX_LAG_KB * 1024,
      batchMs: c.FAULTLINE_TERMINAL_BATCH_MS,
      heartbeatMs: c.FAULTLINE_WS_HEARTBEAT_MS,
      recordingMaxBytes: c.FAULTLINE_RECORDING_MAX_MB * 1024 * 1024,
      recordingsMaxBytes: c.FAULTLINE_RECORDINGS_MAX_MB * 1024 * 1024,
    },
    expiryWarningMinutes: c.FAULTLINE_EXPIRY_WARNING_MINUTES,
    lobbyOpensEarlyMinutes: c.FAULTLINE_LOBBY_OPENS_EARLY_MINUTES,
    buildClient: c.FAULTLINE_BUILD_CLIENT,
    images: {
      namespace: c.FAULTLINE_IMAGE_NAMESPACE,
      baseSource: c.FAULTLINE_BASE_IMAGE_SOURCE,
      debianMirror: c.FAULTLINE_DEBIAN_MIRROR,
    },
    webhookUrl: c.FAULTLINE_WEBHOOK_URL,
    webhookSecret: c.FAULTLINE_WEBHOOK_SECRET,
    accounts: {
      interviewerKeyEnabled: c.FAULTLINE_INTERVIEWER_KEY_ENABLED,
      idleMinutes: c.FAULTLINE_SIGNIN_IDLE_MINUTES,
      maxHours: c.FAULTLINE_SIGNIN_MAX_HOURS,
      secureCookies: c.FAULTLINE_SECURE_COOKIES === 'auto' ? (c.FAULTLINE_PUBLIC_URL ?? '').startsWith('https:') : c.FAULTLINE_SECURE_COOKIES === 'true',
    },
    oidc:
      c.FAULTLINE_OIDC_ISSUER && c.FAULTLINE_OIDC_CLIENT_ID && c.FAULTLINE_OIDC_CLIENT_SECRET
        ? {
            issuer: c.FAULTLINE_OIDC_ISSUER,
            clientId: c.FAULTLINE_OIDC_CLIENT_ID,
            clientSecret: c.FAULTLINE_OIDC_CLIENT_SECRET,
            name: c.FAULTLINE_OIDC_NAME,
            scopes: c.FAULTLINE_OIDC_SCOPES,
            roleClaim: c.FAULTLINE_OIDC_ROLE_CLAIM,
            adminRole: c.FAULTLINE_OIDC_ADMIN_ROLE,
            interviewerRole: c.FAULTLINE_OIDC_INTERVIEWER_ROLE,
            allowedDomains: (c.FAULTLINE_OIDC_ALLOWED_DOMAINS ?? '').split(',').map((s) => s.trim().toLowerCase().replace(/^@/, '')).filter(Boolean),
          }
        : undefined,
    retentionDays: c.FAULTLINE_RETENTION_DAYS,
    candidateNotice: c.FAULTLINE_CANDIDATE_NOTICE ?? defaultCandidateNotice(c.FAULTLINE_RETENTION_DAYS),
  };
}
