/**
 * Whether this build of the app knows its Cal.com client and relay (issue 17). A release bakes them in at build
 * time; a build without them opens on the setup screen instead of failing. `problems` says what is missing, in
 * words a developer or support person can act on.
 */
export type SetupStatus =
  { readonly configured: true } | { readonly configured: false; readonly problems: readonly string[] };
