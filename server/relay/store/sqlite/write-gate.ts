/**
 * While the WAL checkpointer holds the relay's writes (wal-checkpointer.ts), a promise they wait for before they
 * commit; undefined otherwise. Every store writing on the relay's connection waits on it, so the checkpoint made during
 * a hold finds nothing new and the next commit starts the WAL over.
 */
export type WriteGate = () => Promise<void> | undefined;

/**
 * Runs `write` now, or once no hold is in force: the gate is asked again after each wait, so a write queued behind one
 * hold never commits during the next.
 */
export function afterGate<T>(gate: WriteGate | undefined, write: () => Promise<T>): Promise<T> {
  const wait = gate?.();
  return wait ? wait.then(() => afterGate(gate, write)) : write();
}

/**
 * A store's write on the relay's connection: `fn` (synchronous SQLite) runs once no hold is in force, a thrown error
 * becoming a rejection, then `durable` (the connection's fsync barrier) when given, for writes answered to their author.
 */
export function gatedWrite(gate: WriteGate | undefined, durable?: () => Promise<void>) {
  return <T>(fn: () => T): Promise<T> => {
    const written = afterGate(gate, () => new Promise<T>((resolve) => resolve(fn())));
    return durable ? written.then(async (r) => (await durable(), r)) : written;
  };
}
