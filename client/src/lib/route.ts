import { useEffect, useState } from 'react';

export type Route =
  | { page: 'catalogue' }
  | { page: 'dashboard' }
  | { page: 'login' }
  | { page: 'users' }
  | { page: 'tokens' }
  | { page: 'audit' }
  | { page: 'candidates' }
  | { page: 'session'; id: string; token: string }
  | { page: 'console'; id: string; token: string }
  | { page: 'report'; id: string; token: string }
  | { page: 'replay'; id: string; token: string }
  | { page: 'not-found' };

/** The staff pages, each at one address. */
const STAFF_PAGES: Record<string, 'dashboard' | 'login' | 'users' | 'tokens' | 'audit' | 'candidates'> = {
  '/dashboard': 'dashboard',
  '/login': 'login',
  '/admin/users': 'users',
  '/account/tokens': 'tokens',
  '/admin/audit': 'audit',
  '/admin/candidates': 'candidates',
};

/** Pages from the path; the role token rides in the fragment so it never reaches a server log. */
export function parseRoute(pathname: string, hash: string): Route {
  const token = decodeURIComponent(hash.replace(/^#/, ''));
  if (pathname === '/' || pathname === '') return { page: 'catalogue' };
  const staff = STAFF_PAGES[pathname.replace(/(.)\/$/, '$1')];
  if (staff) return { page: staff };
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

/**
 * Where a sign-in may send the browser afterwards: a path on this site only (a crafted link must
 * not turn the sign-in page into a redirect to anywhere), the dashboard otherwise.
 */
export function safeNext(next: string | null | undefined, fallback = '/dashboard'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  try {
    const url = new URL(next, window.location.origin);
    return url.origin === window.location.origin ? url.pathname + url.search + url.hash : fallback;
  } catch {
    return fallback;
  }
}

/** The sign-in page, coming back here afterwards. */
export function loginHref(next = window.location.pathname + window.location.search): string {
  return `/login?${new URLSearchParams({ next }).toString()}`;
}

/** Go to a page without leaving this one in the history (a redirect: Back must not bounce). */
export function redirect(href: string): void {
  window.history.replaceState(null, '', href);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
