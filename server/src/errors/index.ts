/**
 * Typed errors with a stable code, an HTTP status for the API, and a message a user can act on.
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'lab_full'
  | 'scenario_invalid'
  | 'docker_unavailable'
  | 'docker_failed'
  | 'environment_failed'
  | 'timeout'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  lab_full: 503,
  scenario_invalid: 422,
  docker_unavailable: 503,
  docker_failed: 502,
  environment_failed: 500,
  timeout: 504,
  internal: 500,
};

export class FaultlineError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FaultlineError';
    this.code = code;
    this.status = STATUS[code];
  }
}

/** A scenario folder that does not validate; names the file and the field at fault. */
export class ScenarioError extends FaultlineError {
  readonly file: string;
  readonly field: string;
  constructor(file: string, field: string, message: string) {
    super('scenario_invalid', `${file}${field ? ` (${field})` : ''}: ${message}`);
    this.name = 'ScenarioError';
    this.file = file;
    this.field = field;
  }
}

export class DockerUnavailableError extends FaultlineError {
  constructor(where: string, cause: unknown) {
    super(
      'docker_unavailable',
      `Cannot reach the Docker engine at ${where} (${errorMessage(cause)}). ` +
        'Start one (e.g. `dockerd >/var/log/dockerd.log 2>&1 &` as root, or `sudo systemctl start docker`), ' +
        'or point DOCKER_HOST at a running engine.',
      { cause },
    );
    this.name = 'DockerUnavailableError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
