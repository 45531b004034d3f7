import type { ApiHandlers, ApiMethod } from '../../common/api';
import { apiContract } from '../../common/api';
import type { ApiResponse } from '../../common/errors';
import { toAppError } from '../../common/errors';

/**
 * Validates one API call against `common/api.ts` and runs it on the core's handlers. Shared by the browser
 * host and Electron's ipcMain wrapper so both boundaries behave the same; it never throws.
 */

/** Narrows a name from the wire to a method of the contract (own keys only: no `constructor`, `__proto__`). */
export function isApiMethod(name: string): name is ApiMethod {
  return Object.hasOwn(apiContract, name);
}

/** Parse, dispatch and wrap: `bad_input` for invalid input, `toAppError` for anything a handler throws. */
export async function dispatchApiCall(
  handlers: ApiHandlers,
  method: ApiMethod,
  rawInput: unknown,
): Promise<ApiResponse<unknown>> {
  const parsed = apiContract[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    return { ok: false, error: { code: 'bad_input', message: describeIssues(parsed.error.issues) } };
  }
  try {
    // The contract types every handler by method; TypeScript cannot correlate the union here.
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    const data = await handler(parsed.data);
    return { ok: true, data: data ?? null };
  } catch (err) {
    return { ok: false, error: toAppError(err) };
  }
}

/** A short, human message naming the fields at fault (zod's own messages, without echoing values). */
function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const parts = issues.slice(0, 5).map((issue) => {
    const where = issue.path.map(String).join('.');
    return where ? `${where}: ${issue.message}` : issue.message;
  });
  return `Invalid input. ${parts.join('; ')}`;
}
