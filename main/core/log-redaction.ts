/** Field names whose values never reach a log file (tokens, secrets, OAuth codes, credentials). */
const SECRET_KEY = /token|secret|password|authoriz|cookie|verifier|signature|credential/i;
/** Query parameters that carry secrets inside URLs. */
const SECRET_PARAMS = /([?&](?:code|state|k|token|access_token|refresh_token|code_verifier|client_secret)=)[^&#\s]*/gi;

/** Redacts secret-looking fields (deeply) and secret query parameters inside strings. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(SECRET_PARAMS, '$1[redacted]');
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redact(value.message, depth + 1) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}
