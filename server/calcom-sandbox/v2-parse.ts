import type { z } from 'zod';
import { validationError } from './http-errors';

/** Parses with zod or throws Cal.com's 400 BadRequestException shape. */
export function parseV2<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(r.error.issues);
  return r.data;
}
