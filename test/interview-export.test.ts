import { describe, expect, it } from 'vitest';
import type { InterviewRow } from '../server/src/contract/index.js';
import { interviewsCsv, interviewsJson } from '../server/src/http/interview-export.js';

const HEADER = [
  'id',
  'status',
  'candidate',
  'interviewer',
  'scenarios',
  'window opens',
  'window closes',
  'time zone',
  'created',
  'started',
  'ended',
  'duration minutes',
  'solved',
  'first solved at',
  'outcome',
  'candidate link',
  'report link',
];

function row(overrides: Partial<InterviewRow> = {}): InterviewRow {
  return {
    id: 'abc123def456ghi',
    status: 'finished',
    state: 'ended',
    candidateName: 'Ada Lovelace',
    interviewerName: 'Grace Hopper',
    scenarios: ['Stale DNS record', 'Expired certificate'],
    window: { opensAt: '2026-12-02T09:00:00.000Z', closesAt: '2026-12-02T11:00:00.000Z', timeZone: 'Europe/Berlin' },
    createdAt: '2026-12-01T08:00:00.000Z',
    startedAt: '2026-12-02T09:05:00.000Z',
    endedAt: '2026-12-02T09:50:00.000Z',
    durationMinutes: 45,
    solved: true,
    firstSolvedAt: '2026-12-02T09:30:00.000Z',
    outcome: 'pass',
    candidateConnected: false,
    links: {
      candidate: 'https://lab.example.test/s/abc123def456ghi#cand',
      interviewer: 'https://lab.example.test/i/abc123def456ghi#int',
      viewer: 'https://lab.example.test/s/abc123def456ghi#view',
      report: 'https://lab.example.test/i/abc123def456ghi/report#int',
      replay: 'https://lab.example.test/r/abc123def456ghi#int',
    },
    ...overrides,
  };
}

/** A strict RFC 4180 reader: what a spreadsheet would make of the text. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else cell += text[i++];
      }
    }
    const c = text[i];
    if (c === ',') {
      record.push(cell);
      cell = '';
      i++;
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
      i += 2;
    } else if (c === '"' || c === '\r' || c === '\n') {
      throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    } else {
      cell += c;
      i++;
    }
  }
  if (cell !== '' || record.length > 0) throw new Error('last record not ended by CRLF');
  return records;
}

describe('interviews CSV', () => {
  it('has a header row and one row per interview, every line ended by CRLF', () => {
    const csv = interviewsCsv([row(), row({ id: 'second' })]);
    expect(csv.startsWith(`${HEADER.join(',')}\r\n`)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    const [header, first, second] = parseCsv(csv) as [string[], string[], string[]];
    expect(header).toEqual(HEADER);
    expect(Object.fromEntries(HEADER.map((h, i) => [h, first[i]]))).toEqual({
      id: 'abc123def456ghi',
      status: 'finished',
      candidate: 'Ada Lovelace',
      interviewer: 'Grace Hopper',
      scenarios: 'Stale DNS record > Expired certificate',
      'window opens': '2026-12-02T09:00:00.000Z',
      'window closes': '2026-12-02T11:00:00.000Z',
      'time zone': 'Europe/Berlin',
      created: '2026-12-01T08:00:00.000Z',
      started: '2026-12-02T09:05:00.000Z',
      ended: '2026-12-02T09:50:00.000Z',
      'duration minutes': '45',
      solved: 'yes',
      'first solved at': '2026-12-02T09:30:00.000Z',
      outcome: 'pass',
      'candidate link': 'https://lab.example.test/s/abc123def456ghi#cand',
      'report link': 'https://lab.example.test/i/abc123def456ghi/report#int',
    });
    expect(second[0]).toBe('second');
  });

  it('is only the header without interviews', () => {
    expect(interviewsCsv([])).toBe(`${HEADER.join(',')}\r\n`);
  });

  it('leaves what is not known empty', () => {
    const csv = interviewsCsv([
      row({
        status: 'scheduled',
        state: 'scheduled',
        candidateName: undefined,
        interviewerName: undefined,
        window: undefined,
        startedAt: undefined,
        endedAt: undefined,
        durationMinutes: undefined,
        solved: false,
        firstSolvedAt: undefined,
        outcome: undefined,
      }),
    ]);
    const cells = parseCsv(csv)[1] as string[];
    const byHeader = Object.fromEntries(HEADER.map((h, i) => [h, cells[i]]));
    expect(byHeader).toMatchObject({ candidate: '', 'window opens': '', started: '', 'duration minutes': '', solved: 'no', outcome: '' });
  });

  it('quotes commas, quotes, CR and LF and reads back to the same text', () => {
    const names = ['Lovelace, Ada', 'Ada "the Countess"', 'two\r\nlines', 'bare\nline', 'cr\ronly', 'plain'];
    const csv = interviewsCsv(names.map((candidateName, i) => row({ id: `r${i}`, candidateName })));
    expect(csv).toContain('"Lovelace, Ada"');
    expect(csv).toContain('"Ada ""the Countess"""');
    expect(csv).toContain(',plain,');
    expect(parseCsv(csv).slice(1).map((cells) => cells[2])).toEqual(names);
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    const hostile = ['=HYPERLINK("http://evil.test","x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'];
    const csv = interviewsCsv(hostile.map((candidateName, i) => row({ id: `r${i}`, candidateName, interviewerName: candidateName })));
    const records = parseCsv(csv).slice(1);
    expect(records.map((cells) => cells[2])).toEqual(hostile.map((h) => `'${h}`));
    expect(records.map((cells) => cells[3])).toEqual(hostile.map((h) => `'${h}`));
    // The first scenario's title leads the joined cell.
    const joined = parseCsv(interviewsCsv([row({ scenarios: ['=1+1', 'b'] })]))[1]?.[4];
    expect(joined).toBe("'=1+1 > b");
    // Only the leading character counts, and numbers are left as they are.
    const inner = parseCsv(interviewsCsv([row({ candidateName: 'Ada =1+1', durationMinutes: 0 })]))[1] as string[];
    expect(inner[2]).toBe('Ada =1+1');
    expect(inner[11]).toBe('0');
  });
});

describe('interviews JSON', () => {
  it('is the rows as GET /api/interviews answers them', () => {
    const rows = [row(), row({ id: 'second', candidateName: '=not a formula here' })];
    const json = interviewsJson(rows);
    expect(JSON.parse(json)).toEqual({ interviews: rows });
    expect(json.endsWith('\n')).toBe(true);
    expect(JSON.parse(interviewsJson([]))).toEqual({ interviews: [] });
  });
});
