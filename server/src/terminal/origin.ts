import type { IncomingMessage } from 'node:http';
import type { Config } from '../config/index.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Browsers always send Origin on a WebSocket upgrade, so checking it stops other sites from
 * driving a terminal with a victim's link. A missing Origin (curl, scripts) is allowed: those
 * clients must still present a token. With no FAULTLINE_ALLOWED_ORIGINS set, the server's own
 * origin (as the request addressed it, or FAULTLINE_PUBLIC_URL) and its loopback variants are allowed.
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
  if (config.allowedOrigins.length > 0) return config.allowedOrigins.some((o) => sameOrigin(o, url));
  if (config.publicUrl && sameOrigin(config.publicUrl, url)) return true;
  const host = req.headers.host;
  if (host && url.host === host) return true;
  const port = host ? new URL(`http://${host}`).port : '';
  return LOOPBACK.has(url.hostname) && url.port === port && (url.protocol === 'http:' || url.protocol === 'https:');
}

function sameOrigin(allowed: string, url: URL): boolean {
  try {
    return new URL(allowed).origin === url.origin;
  } catch {
    return false;
  }
}
