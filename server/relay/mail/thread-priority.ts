import os from 'node:os';

/** The nice value of the mail thread: below the relay's main thread, which answers webhooks. */
export const MAIL_THREAD_NICE = 10;

/**
 * Lowers the CPU priority of the calling thread only. On Linux `setpriority(PRIO_PROCESS, 0)` applies to the calling
 * thread; elsewhere it would apply to the whole process (the relay's webhooks too), so nothing is changed there.
 * Returns whether it took effect.
 */
export function lowerThisThreadPriority(nice = MAIL_THREAD_NICE): boolean {
  if (process.platform !== 'linux') return false;
  try {
    os.setPriority(0, nice);
    return true;
  } catch {
    // Not allowed (a seccomp profile, say): the thread runs at the relay's priority, as before.
    return false;
  }
}
