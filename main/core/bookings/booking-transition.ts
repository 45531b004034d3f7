import type { BookingFact, BookingRecord, Lifecycle, Stamp, Stamped } from './booking-record';
import { emptyRecord, lifecycleRank } from './booking-record';

/**
 * The pure booking transition: `(current | null, fact) → next`. Every field is a join, so applying any
 * permutation of a booking's facts, with duplicates, gives the same record (proved by the property test).
 */

/** Total order on stamped values: rank, then time, then the value's JSON so equal stamps still decide the same way. */
export function compareStamped<T>(a: Stamped<T>, b: Stamped<T>): number {
  if (a.stamp.rank !== b.stamp.rank) return a.stamp.rank - b.stamp.rank;
  if (a.stamp.at !== b.stamp.at) return a.stamp.at - b.stamp.at;
  const ja = canonicalJson(a.value);
  const jb = canonicalJson(b.value);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

/** The later of two stamped values (last writer wins, deterministically). */
export function later<T>(a: Stamped<T> | null, b: Stamped<T> | null): Stamped<T> | null {
  if (!a) return b;
  if (!b) return a;
  return compareStamped(a, b) >= 0 ? a : b;
}

function stamped<T>(value: T | undefined, stamp: Stamp): Stamped<T> | null {
  return value === undefined ? null : { value, stamp };
}

function maxLifecycle(a: Lifecycle | null, b: Lifecycle | undefined): Lifecycle | null {
  if (!b) return a;
  if (!a) return b;
  return lifecycleRank[b] > lifecycleRank[a] ? b : a;
}

/** Applies one fact to a booking record (null = never seen). Pure. */
export function applyFact(current: BookingRecord | null, fact: BookingFact): BookingRecord {
  const base = current ?? emptyRecord(fact.uid);
  const noShow = { ...base.noShow };
  for (const flag of fact.noShow ?? []) {
    const key = flag.email.toLowerCase();
    noShow[key] = later(noShow[key] ?? null, { value: flag.noShow, stamp: fact.stamp }) ?? {
      value: flag.noShow,
      stamp: fact.stamp,
    };
  }
  const first = Math.min(fact.createdAt ?? fact.stamp.at, fact.stamp.at);
  return {
    uid: base.uid,
    data: later(base.data, fact.data ?? null),
    lifecycle: maxLifecycle(base.lifecycle, fact.lifecycle),
    cancellation: later(base.cancellation, stamped(fact.cancellation, fact.stamp)),
    rejectionReason: later(base.rejectionReason, stamped(fact.rejectionReason, fact.stamp)),
    rescheduledFrom: later(base.rescheduledFrom, stamped(fact.rescheduledFrom, fact.stamp)),
    rescheduledTo: later(base.rescheduledTo, stamped(fact.rescheduledTo, fact.stamp)),
    noShow: sortKeys(noShow),
    firstAt: Math.min(base.firstAt, first),
    lastAt: Math.max(base.lastAt, fact.stamp.at),
  };
}

/** Applies several facts, possibly for several bookings, looking current records up through `get`. */
export function applyFacts(
  facts: readonly BookingFact[],
  get: (uid: string) => BookingRecord | null,
): ReadonlyMap<string, BookingRecord> {
  const next = new Map<string, BookingRecord>();
  for (const fact of facts) next.set(fact.uid, applyFact(next.get(fact.uid) ?? get(fact.uid), fact));
  return next;
}

function sortKeys<T>(obj: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(obj).sort()) out[key] = obj[key] as T;
  return out;
}

/** JSON with object keys sorted, so equal values always serialize equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? sortKeys(v as Record<string, unknown>) : v,
  );
}
