import fs from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Faultline</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>Faultline</h1>
<p>The server is running, but the web client is not built. Run <code>npm start</code> (it builds
<code>client/</code> when needed) or <code>npx vite build</code> in <code>client/</code>, then reload.</p>
<p>The API is at <code>/api</code>; see docs/api.md.</p>
</body></html>
`;

const NOT_FOUND = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not found — Faultline</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>There is no page here</h1>
<p>Check the link you followed, or <a href="/">go to the scenarios</a>.</p>
</body></html>
`;

/**
 * The built client from client/dist, with the SPA's pages (/, /s/:id, /i/:id, /i/:id/report, /r/:id,
 * and the staff pages) answered by index.html.
 */
export function staticClient(distDir: string): Router {
  const router = express.Router();
  const index = path.join(distDir, 'index.html');
  router.use(express.static(distDir, { index: false, fallthrough: true, maxAge: '1h', setHeaders: noCacheHtml }));
  router.get(['/', '/s/:id', '/i/:id', '/i/:id/report', '/r/:id', '/dashboard', '/login', '/admin/users', '/admin/audit', '/admin/candidates', '/account/tokens'], (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    if (fs.existsSync(index)) res.sendFile(index);
    else res.status(200).type('html').send(NOT_BUILT);
  });
  return router;
}

/**
 * Any other page a browser asks for: status 404 with the client itself, which shows its
 * not-found view (a plain page when the client is not built). Requests that prefer JSON, and
 * anything but GET and HEAD, fall through to the JSON error.
 */
export function notFoundPage(distDir: string): RequestHandler {
  const index = path.join(distDir, 'index.html');
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.accepts(['html', 'json']) !== 'html') {
      next();
      return;
    }
    res.status(404).setHeader('Cache-Control', 'no-cache');
    if (fs.existsSync(index)) res.sendFile(index);
    else res.type('html').send(NOT_FOUND);
  };
}

function noCacheHtml(res: express.Response, file: string): void {
  if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}
