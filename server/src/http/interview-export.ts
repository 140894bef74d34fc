import type { InterviewRow } from '../contract/index.js';

/**
 * The dashboard's downloads (GET /api/interviews/export): CSV for spreadsheets, JSON for scripts.
 * Both take the rows GET /api/interviews answers with, in that order.
 */

const COLUMNS: Array<[header: string, cell: (row: InterviewRow) => string | number | undefined]> = [
  ['id', (r) => r.id],
  ['status', (r) => r.status],
  ['candidate', (r) => r.candidateName],
  ['interviewer', (r) => r.interviewerName],
  ['scenarios', (r) => r.scenarios.join(' > ')],
  ['window opens', (r) => r.window?.opensAt],
  ['window closes', (r) => r.window?.closesAt],
  ['time zone', (r) => r.window?.timeZone],
  ['created', (r) => r.createdAt],
  ['started', (r) => r.startedAt],
  ['ended', (r) => r.endedAt],
  ['duration minutes', (r) => r.durationMinutes],
  ['solved', (r) => (r.solved ? 'yes' : 'no')],
  ['first solved at', (r) => r.firstSolvedAt],
  ['outcome', (r) => r.outcome],
  ['candidate link', (r) => r.links.candidate],
  ['report link', (r) => r.links.report],
];

/** RFC 4180: a header row, then one row per interview, CRLF line ends. */
export function interviewsCsv(rows: InterviewRow[]): string {
  const lines = [COLUMNS.map(([header]) => header), ...rows.map((row) => COLUMNS.map(([, cell]) => text(cell(row))))];
  return lines.map((cells) => cells.map(quoted).join(',')).join('\r\n') + '\r\n';
}

/** The same rows as GET /api/interviews gives them. */
export function interviewsJson(rows: InterviewRow[]): string {
  return `${JSON.stringify({ interviews: rows }, null, 2)}\n`;
}

/**
 * Text cells are typed by whoever books or takes the interview: one a spreadsheet would read as a
 * formula gets a leading '. Numbers are the server's own and stay numbers.
 */
function text(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function quoted(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
