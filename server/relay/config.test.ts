import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRelayConfig, parseByteSize } from './config';

describe('loadRelayConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadRelayConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(5001);
    expect(c.publicUrl).toBeUndefined();
    expect(c.dataDir).toBe(path.resolve('./.lifescore-dev/relay'));
    expect(c.storage).toEqual({ kind: 'sqlite', file: path.join(c.dataDir, 'relay.sqlite') });
    expect(c.bodyLimitBytes).toBe(1024 * 1024);
    expect(c.retention.unackedMs).toBe(30 * 86_400_000);
    expect(c.retention.ackedMs).toBe(3 * 86_400_000);
    expect(c.heartbeatMs).toBeLessThanOrEqual(15_000);
    expect(c.trustProxy).toBe(false);
    expect(c.appScheme).toBe('lifescore');
    expect(c.registrationKey).toBeUndefined();
  });

  it('reads every variable', () => {
    const c = loadRelayConfig({
      RELAY_HOST: '0.0.0.0',
      RELAY_PORT: '0',
      RELAY_PUBLIC_URL: 'https://relay.example.com/',
      RELAY_DATA_DIR: '/tmp/relay-x',
      DATABASE_URL: 'sqlite:///tmp/relay-x/other.db',
      RELAY_REGISTRATION_KEY: 'k'.repeat(20),
      RELAY_BODY_LIMIT: '2mb',
      RELAY_RETENTION_UNACKED_DAYS: '7',
      RELAY_RETENTION_ACKED_DAYS: '0.5',
      RELAY_TRUST_PROXY: 'loopback',
      RELAY_APP_SCHEME: 'lifescore-dev',
      SMTP_URL: 'smtp://localhost:2525',
      MAIL_FROM: 'LifeScore <no-reply@example.com>',
      SMTP_MAX_CONNECTIONS: '3',
    });
    expect(c.host).toBe('0.0.0.0');
    expect(c.port).toBe(0);
    expect(c.publicUrl).toBe('https://relay.example.com');
    expect(c.storage).toEqual({ kind: 'sqlite', file: '/tmp/relay-x/other.db' });
    expect(c.bodyLimitBytes).toBe(2 * 1024 * 1024);
    expect(c.retention.unackedMs).toBe(7 * 86_400_000);
    expect(c.retention.ackedMs).toBe(43_200_000);
    expect(c.trustProxy).toBe('loopback');
    expect(c.appScheme).toBe('lifescore-dev');
    expect(c.smtpUrl).toBe('smtp://localhost:2525');
    expect(c.smtpMaxConnections).toBe(3);
    expect(loadRelayConfig({}).smtpMaxConnections).toBe(5);
  });

  it.each([
    [{ DATABASE_URL: 'mysql://db' }, /DATABASE_URL must be postgres:\/\//],
    [{ DATABASE_URL: 'postgres://' }, /DATABASE_URL must be postgres:\/\//],
    [{ DATABASE_URL: 'postgres:relay' }, /DATABASE_URL must be postgres:\/\//],
    [{ RELAY_STREAM_POLL_MS: '10' }, /RELAY_STREAM_POLL_MS must be at least 100/],
    [{ RELAY_PORT: 'abc' }, /RELAY_PORT must be a whole number/],
    [{ RELAY_PORT: '70000' }, /RELAY_PORT must be at most 65535/],
    [{ RELAY_BODY_LIMIT: '11mb' }, /RELAY_BODY_LIMIT/],
    [{ RELAY_BODY_LIMIT: 'lots' }, /RELAY_BODY_LIMIT/],
    [{ RELAY_PUBLIC_URL: 'ftp://x' }, /RELAY_PUBLIC_URL/],
    [{ RELAY_PUBLIC_URL: 'https://x/?a=1' }, /RELAY_PUBLIC_URL/],
    [{ RELAY_REGISTRATION_KEY: 'short' }, /at least 16/],
    [{ RELAY_HEARTBEAT_MS: '60000' }, /RELAY_HEARTBEAT_MS/],
    [{ RELAY_APP_SCHEME: 'javascript:' }, /RELAY_APP_SCHEME/],
    [{ RELAY_RETENTION_ACKED_DAYS: '-1' }, /RELAY_RETENTION_ACKED_DAYS/],
    [{ SMTP_MAX_CONNECTIONS: '0' }, /SMTP_MAX_CONNECTIONS must be at least 1/],
  ])('rejects %o with a clear message', (env, message) => {
    expect(() => loadRelayConfig(env)).toThrow(message);
    expect(() => loadRelayConfig(env)).toThrow(/^Invalid relay configuration/);
  });

  it.each([
    'postgres://u:p%40ss@db.internal:5432/relay?sslmode=require',
    'postgresql://db/relay',
    'postgresql:///relay?host=/run/postgresql',
  ])('selects PostgreSQL for DATABASE_URL=%s, kept verbatim for pg', (url) => {
    expect(loadRelayConfig({ DATABASE_URL: url }).storage).toEqual({ kind: 'postgres', url, pollMs: 2000 });
    expect(loadRelayConfig({ DATABASE_URL: url, RELAY_STREAM_POLL_MS: '500' }).storage).toEqual({
      kind: 'postgres',
      url,
      pollMs: 500,
    });
  });

  it('reads the slow-client guards, clamping the headers deadline to the request deadline', () => {
    expect(loadRelayConfig({}).http).toEqual({
      headersTimeoutMs: 20_000,
      requestTimeoutMs: 60_000,
      maxConnectionsPerIp: 256,
    });
    const c = loadRelayConfig({
      RELAY_HEADERS_TIMEOUT_MS: '5000',
      RELAY_REQUEST_TIMEOUT_MS: '2000',
      RELAY_MAX_CONNECTIONS_PER_IP: '0',
    });
    expect(c.http).toEqual({ headersTimeoutMs: 2000, requestTimeoutMs: 2000, maxConnectionsPerIp: 0 });
    expect(() => loadRelayConfig({ RELAY_MAX_CONNECTIONS_PER_IP: '-1' })).toThrow(/RELAY_MAX_CONNECTIONS_PER_IP/);
    expect(() => loadRelayConfig({ RELAY_HEADERS_TIMEOUT_MS: '10' })).toThrow(
      /RELAY_HEADERS_TIMEOUT_MS must be at least 100/,
    );
  });

  it('reads the stream limits per process, per client address and per channel', () => {
    const d = loadRelayConfig({});
    expect(d.stream).toMatchObject({ maxStreams: 10_000, maxPerClient: 32, maxPerChannel: 4 });
    expect(d.rateLimits.streamOpensPerIpPerMinute).toBe(120);
    const c = loadRelayConfig({
      RELAY_MAX_STREAMS_PER_IP: '5',
      RELAY_MAX_STREAMS_PER_CHANNEL: '1',
      RELAY_RATE_LIMIT_STREAM_PER_MIN: '30',
    });
    expect(c.stream).toMatchObject({ maxPerClient: 5, maxPerChannel: 1 });
    expect(c.rateLimits.streamOpensPerIpPerMinute).toBe(30);
    expect(() => loadRelayConfig({ RELAY_MAX_STREAMS_PER_CHANNEL: '0' })).toThrow(
      /RELAY_MAX_STREAMS_PER_CHANNEL must be at least 1/,
    );
    expect(() => loadRelayConfig({ RELAY_MAX_STREAMS_PER_IP: 'many' })).toThrow(/RELAY_MAX_STREAMS_PER_IP/);
  });

  it('reads the in-flight body budgets, which must each hold at least one body of the largest size', () => {
    expect(loadRelayConfig({}).ingestInflight).toEqual({
      perClientBytes: 16 * 1024 * 1024,
      totalBytes: 64 * 1024 * 1024,
    });
    expect(
      loadRelayConfig({ RELAY_INGEST_INFLIGHT_PER_IP: '2mb', RELAY_INGEST_INFLIGHT_TOTAL: '1gb' }).ingestInflight,
    ).toEqual({ perClientBytes: 2 * 1024 * 1024, totalBytes: 1024 * 1024 * 1024 });
    expect(() => loadRelayConfig({ RELAY_BODY_LIMIT: '2mb', RELAY_INGEST_INFLIGHT_PER_IP: '1mb' })).toThrow(
      /RELAY_INGEST_INFLIGHT_PER_IP: must be at least RELAY_BODY_LIMIT/,
    );
    expect(() => loadRelayConfig({ RELAY_INGEST_INFLIGHT_TOTAL: '8mb' })).toThrow(
      /RELAY_INGEST_INFLIGHT_TOTAL: must be at least RELAY_INGEST_INFLIGHT_PER_IP/,
    );
    expect(() => loadRelayConfig({ RELAY_INGEST_INFLIGHT_TOTAL: 'lots' })).toThrow(
      /RELAY_INGEST_INFLIGHT_TOTAL must be a size between/,
    );
  });

  it('reads the daily byte quotas, the bytes a channel may hold and the free-disk floor', () => {
    expect(loadRelayConfig({}).ingestQuota).toEqual({
      perChannelBytesPerDay: 64 * 1024 * 1024,
      perClientBytesPerDay: 1024 * 1024 * 1024,
      maxChannelBytes: 256 * 1024 * 1024,
      minFreeDiskBytes: 1024 * 1024 * 1024,
      approvedDiskReserveBytes: 4 * 1024 * 1024 * 1024,
    });
    expect(loadRelayConfig({ RELAY_APPROVED_DISK_RESERVE: '0' }).ingestQuota.approvedDiskReserveBytes).toBe(0);
    expect(loadRelayConfig({ RELAY_MAX_CHANNEL_BYTES: '2gb' }).ingestQuota.maxChannelBytes).toBe(2 * 1024 ** 3);
    expect(() => loadRelayConfig({ RELAY_MAX_CHANNEL_BYTES: '512kb' })).toThrow(
      /RELAY_MAX_CHANNEL_BYTES: must be at least RELAY_BODY_LIMIT/,
    );
    expect(loadRelayConfig({ RELAY_MIN_FREE_DISK: '0' }).ingestQuota.minFreeDiskBytes).toBe(0);
    expect(() => loadRelayConfig({ RELAY_INGEST_BYTES_PER_CHANNEL_PER_DAY: '512kb' })).toThrow(
      /RELAY_INGEST_BYTES_PER_CHANNEL_PER_DAY: must be at least RELAY_BODY_LIMIT/,
    );
    expect(() => loadRelayConfig({ RELAY_MIN_FREE_DISK: 'plenty' })).toThrow(/RELAY_MIN_FREE_DISK must be a size/);
  });

  it('parses byte sizes', () => {
    expect(parseByteSize('1048576')).toBe(1048576);
    expect(parseByteSize('512kb')).toBe(524288);
    expect(parseByteSize('1.5MiB')).toBe(1572864);
    expect(parseByteSize('1 gb')).toBe(1024 * 1024 * 1024);
    expect(parseByteSize('1 tb')).toBeUndefined();
    expect(parseByteSize('-1kb')).toBeUndefined();
  });
});
