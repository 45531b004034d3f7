/** A small activity indicator; with a label screen readers hear it, without one it is decoration. */
export function Spinner({ label }: { readonly label?: string }) {
  return label ? (
    <span className="spinner" role="progressbar" aria-label={label} />
  ) : (
    <span className="spinner" aria-hidden="true" />
  );
}
