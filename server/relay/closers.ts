/** Reports a closer that failed; stopping goes on with the next one. */
export type CloseErrorHandler = (name: string, err: unknown) => void;

/**
 * What start() opened, closed in reverse on stop(): each step is pushed as soon as its resource exists, so teardown
 * order follows start order and a failed start can close exactly what it had opened. One failing step is reported
 * and does not keep the others (closing the database above all) from running.
 */
export class Closers {
  private readonly steps: Array<{ readonly name: string; readonly close: () => void | Promise<void> }> = [];

  constructor(private readonly onError: CloseErrorHandler) {}

  push(name: string, close: () => void | Promise<void>): void {
    this.steps.push({ name, close });
  }

  /** Runs every step, newest first, each once (a second call finds none left). */
  async closeAll(): Promise<void> {
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.close();
      } catch (err) {
        this.onError(step.name, err);
      }
    }
  }
}
