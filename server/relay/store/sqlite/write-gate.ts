/**
 * While the WAL checkpointer holds the relay's writes (wal-checkpointer.ts), a promise they wait for before they
 * commit; undefined otherwise. Every store writing on the relay's connection waits on it, so the checkpoint made during
 * a hold finds nothing new and the next commit starts the WAL over.
 */
export type WriteGate = () => Promise<void> | undefined;

/** Runs `write` now, or as soon as the hold in force (if any) is over. */
export function afterGate<T>(gate: WriteGate | undefined, write: () => Promise<T>): Promise<T> {
  const wait = gate?.();
  return wait ? wait.then(write) : write();
}
