import { useEffect, useState } from 'react';

export type Route =
  | { page: 'catalogue' }
  | { page: 'dashboard' }
  | { page: 'session'; id: string; token: string }
  | { page: 'console'; id: string; token: string }
  | { page: 'report'; id: string; token: string }
  | { page: 'replay'; id: string; token: string }
  | { page: 'not-found' };

/** Pages from the path; the role token rides in the fragment so it never reaches a server log. */
export function parseRoute(pathname: string, hash: string): Route {
  const token = decodeURIComponent(hash.replace(/^#/, ''));
  if (pathname === '/' || pathname === '') return { page: 'catalogue' };
  if (/^\/dashboard\/?$/.test(pathname)) return { page: 'dashboard' };
  const match = /^\/([sir])\/([A-Za-z0-9_-]+)(\/report)?\/?$/.exec(pathname);
  if (!match) return { page: 'not-found' };
  const [, kind, id = '', report] = match;
  if (kind === 'i') return { page: report ? 'report' : 'console', id, token };
  if (report) return { page: 'not-found' };
  return { page: kind === 's' ? 'session' : 'replay', id, token };
}

export function navigate(href: string): void {
  window.history.pushState(null, '', href);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname, window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.pathname, window.location.hash));
    window.addEventListener('popstate', update);
    window.addEventListener('hashchange', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('hashchange', update);
    };
  }, []);
  return route;
}

/** A link the server gave out (absolute, with its public origin) as a path in this app, token kept. */
export function appHref(link: string): string {
  const url = new URL(link, window.location.origin);
  return url.pathname + url.hash;
}
