import type Database from 'better-sqlite3';

/**
 * Runs a module's own append-only migrations, tracked in its own one-row version table. The relay's event log
 * already uses PRAGMA user_version for itself, so modules sharing its database file must not touch that.
 */
export function migrateModule(db: Database.Database, versionTable: string, migrations: readonly string[]): number {
  if (!/^[a-z_]+$/.test(versionTable)) throw new Error(`bad version table name ${versionTable}`);
  db.exec(`CREATE TABLE IF NOT EXISTS ${versionTable} (version INTEGER NOT NULL) STRICT`);
  const run = db.transaction(() => {
    const row = db.prepare<[], { version: number }>(`SELECT version FROM ${versionTable}`).get();
    if (!row) db.prepare(`INSERT INTO ${versionTable} (version) VALUES (0)`).run();
    const current = row?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(
        `${versionTable} is at version ${current}, newer than this relay (${migrations.length}); refusing to start.`,
      );
    }
    for (let v = current; v < migrations.length; v++) db.exec(migrations[v] as string);
    db.prepare(`UPDATE ${versionTable} SET version = ?`).run(migrations.length);
  });
  // IMMEDIATE: two relays opening the same file at once must not both run a migration.
  run.immediate();
  return migrations.length;
}
