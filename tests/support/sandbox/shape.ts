/** The "shape" of a JSON value: field names, nesting and value types (first array element stands for all). Used by golden tests. */
export type Shape = string | Shape[] | { [k: string]: Shape };

/** Computes the shape of a JSON value. */
export function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length ? [shapeOf(value[0])] : [];
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shapeOf(v)]),
    );
  return typeof value;
}
