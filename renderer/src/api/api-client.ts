import type { ApiInput, ApiMethod, ApiOutput } from '../../../common/api';
import type { ApiResponse, ErrorCode } from '../../../common/errors';
import { getBridge } from './bridge';

/** A typed failure from the app (what react-query sees as `error`). */
export class ApiError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** Narrows react-query's `unknown` errors. */
export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

/** Calls one API method and unwraps the ApiResponse: data, or a thrown ApiError. */
export async function callApi<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiOutput<M>> {
  const bridge = getBridge();
  if (!bridge) throw new ApiError('internal', 'This page is not connected to the LifeScore app.');
  // Each bridge function is typed per method; TypeScript cannot correlate the generic index, so narrow here.
  const fn = bridge[method] as unknown as (input: ApiInput<M>) => Promise<ApiResponse<ApiOutput<M>>>;
  let response: ApiResponse<ApiOutput<M>>;
  try {
    response = await fn(input);
  } catch {
    throw new ApiError('internal', 'The app did not answer. Try again in a moment.');
  }
  if (response.ok) return response.data;
  throw new ApiError(response.error.code, response.error.message);
}
