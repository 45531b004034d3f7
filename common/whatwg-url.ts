/** The parts of a WHATWG URL that common/ reads. */
export interface ParsedUrl {
  readonly href: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly pathname: string;
  readonly username: string;
  readonly password: string;
}

// Node and browsers both have the WHATWG URL class as a global, but tsconfig.common.json has neither the DOM nor
// the Node types (common/ runs in both), so it is declared here, module-scoped, with only what we read.
declare const URL: { new (input: string): ParsedUrl };

/** Parses an absolute URL with the platform's WHATWG parser; null when it is not one. */
export function parseUrl(raw: string): ParsedUrl | null {
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}
