import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxEnvelopes } from '../support/relay/mail/mail-fixtures';
import { startTestSmtp, type TestSmtp } from '../support/relay/mail/smtp-test-server';
import { startPgTestCluster, type PgTestCluster } from '../support/relay/pg-test-cluster';
import { postWebhook, readSse, waitUntil } from '../support/relay/relay-test-kit';
import { ADMIN_TOKEN, startTestSandbox, verifiedChannel } from '../support/relay/verified-channel';
import { installRelayArtifact, reinstall, runToExit, startArtifact } from '../support/release/relay-artifact';

/**
 * The relay as an operator gets it (issue 17): `npm run build:relay`, installed into an empty folder with production
 * dependencies only, started with `node` alone (the Dockerfile's CMD), once on SQLite and once on PostgreSQL.
 */

const DEV_ONLY = [
  'tsx',
  'typescript',
  'esbuild',
  'vitest',
  'electron',
  'electron-vite',
  '@playwright/test',
  'smee-client',
  'electron-store',
  '@napi-rs/keyring',
];
const secret = 'artifact-test-webhook-secret-0123456789';

let dir: string;
let smtp: TestSmtp;
let sandbox: Awaited<ReturnType<typeof startTestSandbox>>;
const dataDirs: string[] = [];

function productionEnv(extra: Record<string, string>): Record<string, string> {
  const data = mkdtempSync(join(tmpdir(), 'relay-artifact-data-'));
  dataDirs.push(data);
  return {
    NODE_ENV: 'production',
    RELAY_HOST: '127.0.0.1',
    RELAY_PORT: '0',
    RELAY_PUBLIC_URL: 'https://relay.lifescore.test',
    RELAY_DATA_DIR: data,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'LifeScore <bookings@lifescore.test>',
    RELAY_LOG_LEVEL: 'warn',
    // Consultants prove their Cal.com account against the sandbox; production approval is manual (the operator's).
    RELAY_CALCOM_API_URL: sandbox.url,
    RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
    ...extra,
  };
}

/** Health, a verified channel approved by the operator, signed ingest, SSE delivery, an email through real SMTP. */
async function exerciseRelay(env: Record<string, string>): Promise<void> {
  const relay = await startArtifact(dir, env);
  try {
    const health = await fetch(`${relay.url}/healthz`);
    expect(health.status).toBe(200);

    const { ch: channel, identity } = await verifiedChannel(relay.url, sandbox.url, { secret });
    expect(identity.approval).toBe('pending');
    // The bundled operator CLI approves through the admin API, as `node relay-admin.mjs approve <username>` does.
    const admin = runToExit(dir, { RELAY_ADMIN_URL: relay.url, RELAY_ADMIN_TOKEN: ADMIN_TOKEN }, [
      'relay-admin.mjs',
      'approve',
      identity.identity.username,
    ]);
    expect(admin.status, admin.output).toBe(0);
    const hook = `${relay.url}/hooks/${channel.id}`;
    const stream = readSse(hook, { authorization: `Bearer ${channel.token}` }, /^id: 1$/m, 10_000);
    const before = smtp.received.length;
    const body = JSON.stringify(sandboxEnvelopes.created);
    const res = await postWebhook(hook, body, { secret });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ seq: 1 });

    const sse = await stream;
    expect(sse.status).toBe(200);
    expect(sse.text).toMatch(/^id: 1$/m);
    expect(sse.text).toContain('pX3mQ8vT2nR6kW9yB4cZ1a');

    // Confirmation emails to the consultant and each attendee, through the worker thread of the bundle.
    await waitUntil(() => smtp.received.length >= before + 2, 15_000, 'booking emails at the SMTP peer');
    const recipients = smtp.received.slice(before).flatMap((m) => m.rcptTo);
    expect(recipients).toEqual(expect.arrayContaining(['sam.lee@example.net']));
  } finally {
    expect(await relay.stop()).toBe(0);
  }
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  sandbox = await startTestSandbox();
  dir = await installRelayArtifact({ withOptional: false });
}, 120_000);

afterAll(async () => {
  await smtp?.close();
  await sandbox?.sandbox.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
});

describe('relay release artifact', () => {
  it('holds plain JavaScript and only the relay’s runtime packages', () => {
    const files = readdirSync(dir);
    expect(files).toEqual(
      expect.arrayContaining([
        'relay.mjs',
        'relay-admin.mjs',
        'planner-thread.mjs',
        'checkpoint-thread.mjs',
        'package.json',
        'package-lock.json',
      ]),
    );
    expect(files.filter((f) => /\.(ts|tsx|cts|mts)$/.test(f))).toEqual([]);
    const installed = readdirSync(join(dir, 'node_modules'));
    expect(DEV_ONLY.filter((p) => existsSync(join(dir, 'node_modules', p)))).toEqual([]);
    expect(installed).toEqual(expect.arrayContaining(['express', 'better-sqlite3', 'nodemailer', 'pino']));
    // pg is optional and lazily loaded: the entry never imports it.
    expect(existsSync(join(dir, 'node_modules', 'pg'))).toBe(false);
    const entry = readFileSync(join(dir, 'relay.mjs'), 'utf8');
    expect(entry).not.toMatch(/from\s*["']pg["']/);
    expect(entry).not.toContain('tsx');
  });

  it('refuses an incomplete production configuration, naming each variable', () => {
    const { status, output } = runToExit(dir, { NODE_ENV: 'production', RELAY_PORT: '0' }, ['relay.mjs']);
    expect(status).toBe(1);
    for (const name of ['RELAY_PUBLIC_URL', 'RELAY_DATA_DIR', 'SMTP_URL'])
      expect(output).toContain(`${name}: required in production`);
  });

  it('runs on SQLite with node alone, without pg installed', async () => {
    await exerciseRelay(productionEnv({}));
  }, 60_000);

  describe('on PostgreSQL', () => {
    let pg: PgTestCluster;
    beforeAll(async () => {
      reinstall(dir, { withOptional: true });
      pg = await startPgTestCluster();
    }, 120_000);
    afterAll(async () => pg?.stop());

    it('runs with DATABASE_URL=postgres://… once pg is installed', async () => {
      expect(existsSync(join(dir, 'node_modules', 'pg'))).toBe(true);
      await exerciseRelay(productionEnv({ DATABASE_URL: await pg.createDatabase() }));
    }, 60_000);
  });
});
