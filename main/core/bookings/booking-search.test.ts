import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEW_ROWS } from './booking-list';
import { escapeLike, searchText, trigramPhrase } from './booking-query';
import { openBookingStore } from './booking-store';
import { envelope, payload } from '../../../tests/support/app/booking-fixtures';

/**
 * Attendee search answers through the trigram index (3 characters or more, few matches), by walking the covering
 * index with LIKE (common terms), or by LIKE alone (shorter terms). Whatever the path, a booking matches exactly
 * when its lower-cased names and emails contain the trimmed, lower-cased search: the semantics LIKE '%…%' had.
 */

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'booking-search-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const now = Date.parse('2026-02-15T12:00:00Z');
const clock = { now: () => now };
type Person = { name: string; email: string };

/** What LIKE '%term%' ESCAPE '\' selected: a plain substring test on the lower-cased texts. */
const reference = (people: readonly Person[][], search: string): number[] => {
  const term = search.trim().toLowerCase();
  return people.flatMap((p, i) => (!term || searchText(p).includes(term) ? [i] : []));
};

/** Characters that trip up LIKE, FTS5 query syntax, SQL quoting, case folding and UTF-16. */
const char = fc.constantFrom(...'aAbBzZ09 ._-@%_\\"\'*^():éÉßİıςΣ😀ǅ'.split(/(?=[\s\S])/u), 'e\u0301');
const text = (max: number) => fc.array(char, { maxLength: max }).map((cs) => cs.join(''));
const person = fc.record({ name: text(8), email: text(8) });

let run = 0;
function storeWith(people: readonly Person[][]) {
  const store = openBookingStore(join(dir, `s${(run += 1)}.sqlite`), { clock });
  store.transaction(() =>
    people.forEach((attendees, i) =>
      store.applyEvent(
        envelope(
          'BOOKING_CREATED',
          '2026-02-01T10:00:00Z',
          payload(`b${i}`, { attendees: attendees.map((a) => ({ ...a, timeZone: 'UTC' })) }),
        ),
      ),
    ),
  );
  return store;
}
/** Every booking the search finds, paging through as the screen does. */
function found(store: ReturnType<typeof storeWith>, search: string): number[] {
  const uids: string[] = [];
  for (
    let page = store.list({ search, limit: 500 });
    page.items.length > 0;
    page = store.list({ search, offset: uids.length, limit: 500 })
  ) {
    uids.push(...page.items.map((b) => b.uid));
  }
  return uids.map((u) => Number(u.slice(1))).sort((a, b) => a - b);
}

describe('search semantics', () => {
  it('finds exactly the bookings whose attendees contain the search, on every path', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(person, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.oneof(text(5), fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 6 }), fc.boolean())), {
          minLength: 1,
          maxLength: 6,
        }),
        (people, searches) => {
          const store = storeWith(people);
          try {
            for (const s of searches) {
              // A string of its own, or a slice of some attendee's text, upper-cased and padded now and then.
              let search: string;
              if (typeof s === 'string') search = s;
              else {
                // By code point: a lone surrogate is no text a person types (LIKE and JS disagree on it anyway).
                const whole = [
                  ...(people
                    .flat()
                    .map((p) => `${p.name}\u0001${p.email}`)
                    .join('') || 'x'),
                ];
                const from = s[0] % whole.length;
                search = whole.slice(from, from + s[2]).join('');
                if (s[3]) search = ` ${search.toUpperCase()} `;
              }
              expect(found(store, search)).toEqual(reference(people, search));
              expect(store.list({ search, limit: 1 }).total).toBe(reference(people, search).length);
            }
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('treats LIKE and FTS5 syntax literally', () => {
    const people: Person[][] = [
      [{ name: 'Al 50%_off', email: 'al@example.com' }],
      [{ name: 'Al 50xyoff', email: 'x@example.com' }],
      [{ name: 'Quote "the" man', email: "o'brien@example.com" }],
      [{ name: 'Back\\slash AND NOT near', email: 'b@example.com' }],
      [{ name: 'star*prefix', email: 'c@example.com' }],
    ];
    const store = storeWith(people);
    try {
      for (const search of [
        '50%_off',
        '%_o',
        '"the"',
        '"',
        "o'brien",
        "'",
        'k\\s',
        '\\',
        'AND NOT',
        'near',
        'star*',
        '*pre',
        '(',
        'x@',
        '%',
        '_',
      ]) {
        expect(found(store, search)).toEqual(reference(people, search));
      }
    } finally {
      store.close();
    }
  });

  it('walks the covering index when a term is too common for the trigram index to drive, with the same answer', () => {
    const many = FEW_ROWS + 50;
    const people: Person[][] = Array.from({ length: many + 3 }, (_, i) => [
      { name: i < many ? `Common Name ${i % 7}` : `Rare Person ${i}`, email: `p${i}@example.com` },
    ]);
    const store = storeWith(people);
    try {
      for (const search of ['common', 'name 3', 'rare', 'p10', 'zz-nobody']) {
        expect(found(store, search)).toEqual(reference(people, search));
        expect(store.list({ search, limit: 1 }).total).toBe(reference(people, search).length);
      }
    } finally {
      store.close();
    }
  });
});

describe('trigramPhrase', () => {
  it.each([
    ['ab', null],
    ['😀😀', null],
    ['abc', '"abc"'],
    ['a"b', '"a""b"'],
    ['a\u0001b', null],
    ['\uD800ab', null],
  ])('%j → %j', (search, phrase) => {
    expect(trigramPhrase(search)).toBe(phrase);
  });

  it('matches in FTS5 exactly where LIKE matches', () => {
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5 (s, tokenize = 'trigram case_sensitive 1')");
    const insert = db.prepare('INSERT INTO t (s) VALUES (?)');
    const like = db.prepare("SELECT count(*) FROM t WHERE s LIKE ? ESCAPE '\\'").pluck();
    const match = db.prepare('SELECT count(*) FROM t WHERE t MATCH ?').pluck();
    fc.assert(
      fc.property(text(12), text(5), (s, term) => {
        db.exec('DELETE FROM t');
        insert.run(s.toLowerCase());
        const phrase = trigramPhrase(term.toLowerCase());
        if (phrase) expect(match.get(phrase)).toBe(like.get(`%${escapeLike(term.toLowerCase())}%`));
      }),
      { numRuns: 300 },
    );
    db.close();
  });
});
