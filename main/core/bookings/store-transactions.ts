import type Database from 'better-sqlite3';

/**
 * The store's transactions. Each store call is atomic on its own; inside `transaction(fn)` the calls join that
 * one transaction instead of nesting a savepoint each. FTS5 flushes its pending index at every savepoint, which
 * made a savepoint per event cost more than the event itself during catch-up. The price: a call that throws
 * inside `transaction` may leave part of its writes behind, so the transaction refuses to commit after one
 * has thrown, even if `fn` caught the error. The caller redoes what it wants kept in a new transaction.
 */
export interface StoreTransactions {
  /** Wraps a store call: its own transaction, or part of the caller's. */
  atomic<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  /** Runs `fn` in one transaction; nothing commits if `fn` or any store call inside it threw. */
  transaction<T>(fn: () => T): T;
}

/** Work at the edges of every outermost transaction: on begin, and just before commit (inside the transaction). */
export interface TransactionHooks {
  readonly begin: () => void;
  readonly beforeCommit: () => void;
}

export function createStoreTransactions(db: Database.Database, hooks: TransactionHooks): StoreTransactions {
  let failedInside = false;
  return {
    atomic<A extends unknown[], R>(fn: (...args: A) => R) {
      const own = db.transaction((...args: A): R => {
        hooks.begin();
        const result = fn(...args);
        hooks.beforeCommit();
        return result;
      });
      return (...args: A): R => {
        if (!db.inTransaction) return own(...args);
        try {
          return fn(...args);
        } catch (err) {
          failedInside = true;
          throw err;
        }
      };
    },
    transaction<T>(fn: () => T): T {
      return db.transaction(() => {
        failedInside = false;
        hooks.begin();
        const result = fn();
        if (failedInside)
          throw new Error('A bookings store call failed inside the transaction; nothing was committed.');
        hooks.beforeCommit();
        return result;
      })();
    },
  };
}
