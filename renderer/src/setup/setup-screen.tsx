/**
 * Shown when this build does not know its Cal.com client and relay (issue 17): the app opens and says so, instead
 * of an error box and exit. The consultant gets one plain instruction; the details are for whoever builds the app.
 */
export function SetupScreen({ problems }: { readonly problems: readonly string[] }) {
  return (
    <main className="no-bridge setup-screen" aria-labelledby="setup-title">
      <h1 id="setup-title">LifeScore Consultant is not set up yet</h1>
      <p>This copy of the app does not know which Cal.com account service and relay to use, so it cannot connect.</p>
      <p>Please install the app from the official LifeScore download, or contact LifeScore support.</p>
      <details>
        <summary>Details for the person who built this app</summary>
        <ul>
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
        <p>
          Set the values in <code>.env.release</code> (or as CI variables) and build with{' '}
          <code>npm run build:release</code>.
        </p>
      </details>
    </main>
  );
}
