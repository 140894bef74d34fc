import type { IncomingMessage } from 'node:http';
import type { Config } from '../config/index.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Browsers always send Origin on a WebSocket upgrade, so checking it stops other sites from
 * driving a terminal with a victim's link. A missing Origin (curl, scripts) is allowed: those
 * clients must still present a token. Origins are compared whole (scheme, host and port).
 *
 * With FAULTLINE_ALLOWED_ORIGINS or FAULTLINE_PUBLIC_URL set, only those origins are allowed: the
 * Host header is the client's to choose, so matching it proves nothing. With neither set (a dev
 * or loopback setup), the server's own plain-HTTP origin as the request addressed it and its
 * loopback variants on the same port are allowed.
 */
export function originAllowed(req: IncomingMessage, config: Config): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const configured = [...config.allowedOrigins, ...(config.publicUrl ? [config.publicUrl] : [])];
  if (configured.length > 0) return configured.some((o) => sameOrigin(o, url));
  // The server itself speaks plain HTTP; an https origin needs FAULTLINE_PUBLIC_URL (a TLS proxy).
  if (url.protocol !== 'http:') return false;
  const host = req.headers.host;
  if (!host) return false;
  if (url.host === host.toLowerCase()) return true;
  let port: string;
  try {
    port = new URL(`http://${host}`).port;
  } catch {
    return false;
  }
  return LOOPBACK.has(url.hostname) && url.port === port;
}

function sameOrigin(allowed: string, url: URL): boolean {
  try {
    return new URL(allowed).origin === url.origin;
  } catch {
    return false;
  }
}
