import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

/** Test support (not a test file): a throwaway PostgreSQL cluster from the Debian server binaries. */

const run = promisify(execFile);

/** The server binaries: PG_BIN_DIR, else the newest /usr/lib/postgresql/<major>/bin (Debian's layout). */
export function findPgBinDir(): string {
  const candidates = process.env.PG_BIN_DIR
    ? [process.env.PG_BIN_DIR]
    : (fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql') : [])
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`);
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl')));
  if (!found) {
    throw new Error(
      'The relay PostgreSQL tests need the PostgreSQL server binaries (initdb, pg_ctl) and found none under ' +
        `${process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/<major>/bin'}. Install Debian's \`postgresql\` package ` +
        '(apt-get install postgresql; .ci/run does this), or set PG_BIN_DIR to a directory holding initdb and pg_ctl.',
    );
  }
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface PgTestCluster {
  /** Superuser URL of a database in the cluster (default `postgres`). */
  url(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** A CHECKPOINT: the WAL segments written so far are recycled for the ones to come. */
  checkpoint(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * initdb into a temp dir and start the server on a free loopback port (socket in the temp dir, fsync on). PostgreSQL
 * refuses to run as root, and CI runs as root: then every server command runs as the `postgres` user (created by the
 * Debian package) through runuser, with the temp dir handed to that user.
 */
export async function startPgTestCluster(): Promise<PgTestCluster> {
  const bin = findPgBinDir();
  const asRoot = process.getuid?.() === 0;
  // As root the server runs as `postgres`, which must reach the directory: /tmp is world-traversable, a root-only
  // TMPDIR may not be.
  const dir = fs.mkdtempSync(path.join(asRoot ? '/tmp' : os.tmpdir(), 'relay-pg-'));
  const data = path.join(dir, 'data');
  const pgCmd = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);
  if (asRoot) {
    let ids: [number, number];
    try {
      ids = [
        Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
        Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
      ];
    } catch {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(
        "PostgreSQL refuses to run as root and there is no `postgres` user to run it as: install Debian's `postgresql` package, which creates it.",
      );
    }
    fs.chownSync(dir, ...ids);
  }
  // The data is throwaway, so initdb may skip its own fsyncs; the running server keeps fsync on (the default).
  await pgCmd('initdb', ['-D', data, '-U', 'relay', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync']);

  let port = 0;
  let started = false;
  const stopSync = () => {
    // Last resort when the test process exits without stop(): never leave a postmaster behind.
    if (!started) return;
    const args = ['-D', data, 'stop', '-m', 'immediate'];
    try {
      if (asRoot)
        execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
      else execFileSync(path.join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
    } catch {
      /* already stopped */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopSync);
  for (let attempt = 0; !started; attempt++) {
    port = await freePort();
    const opts = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=on -c max_connections=200`;
    try {
      await pgCmd('pg_ctl', ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', '-o', opts, 'start']);
      started = true;
    } catch (err) {
      // The free port can be taken between probing and binding: try another a few times.
      if (attempt >= 2) {
        const log = fs.existsSync(path.join(dir, 'server.log'))
          ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8')
          : '';
        process.off('exit', stopSync);
        fs.rmSync(dir, { recursive: true, force: true });
        throw new Error(`PostgreSQL test cluster did not start: ${(err as Error).message}\n${log}`);
      }
    }
  }

  const url = (database = 'postgres') => `postgres://relay@127.0.0.1:${port}/${database}`;
  /** One statement as the superuser, on a connection of its own. */
  const superuser = async (sql: string) => {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  let n = 0;
  return {
    url,
    async createDatabase() {
      const name = `t${process.pid}_${++n}`;
      await superuser(`CREATE DATABASE ${name}`);
      return url(name);
    },
    checkpoint: () => superuser('CHECKPOINT'),
    async stop() {
      if (!started) return;
      await pgCmd('pg_ctl', ['-D', data, 'stop', '-m', 'immediate', '-w']).catch(() => {});
      started = false;
      process.off('exit', stopSync);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
