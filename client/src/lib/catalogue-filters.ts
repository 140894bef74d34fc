import type { ScenarioSummary } from './types.js';

/** What the catalogue shows: kept in the address's query string, so a reload or Back restores it. */
export interface CatalogueFilters {
  query: string;
  category: string;
  difficulty: string;
}

const ALL = 'all';

export function filtersFromSearch(search: string): CatalogueFilters {
  const params = new URLSearchParams(search);
  return { query: params.get('q') ?? '', category: params.get('category') ?? ALL, difficulty: params.get('difficulty') ?? ALL };
}

/** "?q=stale+record&category=dns"; empty when nothing is filtered. */
export function searchFromFilters({ query, category, difficulty }: CatalogueFilters): string {
  const params = new URLSearchParams();
  if (query) params.set('q', query);
  if (category !== ALL) params.set('category', category);
  if (difficulty !== ALL) params.set('difficulty', difficulty);
  const search = params.toString();
  return search ? `?${search}` : '';
}

/** Every word of the query must appear in the card: its title, summary, category, difficulty (and tags, when shown). */
export function matchesQuery(s: ScenarioSummary, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = [s.title, s.summary, s.category, s.difficulty, ...(s.tags ?? [])].join(' ').toLowerCase();
  return words.every((w) => text.includes(w));
}

export function matchesFilters(s: ScenarioSummary, f: CatalogueFilters): boolean {
  return (f.category === ALL || s.category === f.category) && (f.difficulty === ALL || s.difficulty === f.difficulty) && matchesQuery(s, f.query);
}
