/**
 * Gathers the calls made in one turn of the microtask queue and runs them together: the mailer limits a batch of
 * bookings at once, and a transaction for all of them costs one commit instead of one each (issue 18). Each call
 * still gets its own result, in call order; a run that fails fails every call of it.
 */
export function perTurnBatch<Call, Result>(
  run: (calls: readonly Call[]) => readonly Result[] | Promise<readonly Result[]>,
): (call: Call) => Promise<Result> {
  let pending: Array<{ call: Call; resolve: (r: Result) => void; reject: (err: unknown) => void }> = [];
  const flush = () => {
    const batch = pending;
    pending = [];
    Promise.resolve()
      .then(() => run(batch.map((p) => p.call)))
      .then(
        (results) => batch.forEach((p, i) => p.resolve(results[i] as Result)),
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      );
  };
  return (call) =>
    new Promise<Result>((resolve, reject) => {
      if (pending.length === 0) queueMicrotask(flush);
      pending.push({ call, resolve, reject });
    });
}
