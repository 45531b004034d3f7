/** Shown when the page runs outside the app (opened directly, or the host link lost its key). */
export function NoBridge() {
  return (
    <main className="no-bridge">
      <h1>LifeScore Consultant</h1>
      <p>
        This page needs the LifeScore app. Start it with <code>npm start</code> and open the link it prints.
      </p>
    </main>
  );
}
