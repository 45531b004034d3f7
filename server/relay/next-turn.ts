/**
 * Resolves after a whole turn of the event loop, timers and I/O included. One setImmediate called from an I/O
 * callback runs in that same turn's check phase, before any request that arrived meanwhile is read. Long work made
 * of synchronous SQLite calls (or promises that resolve at once) awaits this between chunks, so requests keep being
 * served while it runs.
 */
export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
