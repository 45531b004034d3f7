/** A rendered-agnostic email: composed once, turned into HTML and plain text by the renderers. */
export interface EmailContent {
  readonly subject: string;
  /** The grey line mail clients show after the subject. */
  readonly preheader: string;
  readonly heading: string;
  readonly intro: string;
  readonly details: readonly EmailDetail[];
  /** A highlighted box, e.g. the cancellation reason. */
  readonly notice?: { readonly title: string; readonly text: string };
  readonly action?: { readonly label: string; readonly href: string };
  readonly tips?: readonly string[];
  readonly footer: string;
}

export interface EmailDetail {
  readonly label: string;
  readonly value: string;
  /** Renders the value as a link (http(s) only, checked by the composer). */
  readonly href?: string;
  /** Shown struck through: a time that no longer holds. */
  readonly struck?: boolean;
}
