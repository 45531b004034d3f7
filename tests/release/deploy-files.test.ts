import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { RELAY_START_COMMAND } from '../../scripts/build-relay';
import { RELAY_ENV_VARIABLES } from '../../server/relay/config';

/** The relay's deployment files (deploy/relay/): linted, and kept in step with the relay they deploy. */
const root = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const dockerfile = read('deploy/relay/Dockerfile');

/** The exec-form value of a Dockerfile instruction (`CMD ["a","b"]` → ['a','b']). */
export function execForm(text: string, instruction: string): string[] | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${instruction} [`));
  return line ? (JSON.parse(line.slice(instruction.length + 1)) as string[]) : undefined;
}

describe('relay Dockerfile', () => {
  it('passes dockerfile-utils validation with no warnings or errors', () => {
    const problems = validate(dockerfile).filter(
      (d) => d.severity === ValidationSeverity.ERROR || d.severity === ValidationSeverity.WARNING,
    );
    expect(problems.map((p) => `${p.range.start.line + 1}: ${p.message}`)).toEqual([]);
  });

  it('the linter is real: it flags a broken Dockerfile', () => {
    expect(validate('FROM node:20\nCMD ["node"\nEXPOSE notaport\n').length).toBeGreaterThan(0);
  });

  it('starts the relay with the command the artifact test runs', () => {
    expect(execForm(dockerfile, 'CMD')).toEqual([...RELAY_START_COMMAND]);
  });

  it('runs as a non-root user with /data as a volume, a health check, and 0.0.0.0 only inside the container', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n.*\/healthz/m);
    expect(runtime).toContain('RELAY_HOST=0.0.0.0');
    expect(runtime).toContain('NODE_ENV=production');
    // The dev default stays loopback: only the image opens the relay to its network.
    expect(read('server/relay/config.ts')).toContain("RELAY_HOST: optionalString.transform((v) => v ?? '127.0.0.1')");
  });
});

describe('relay image build context', () => {
  it('holds exactly what the Dockerfile copies from it: never an .env file, data or node_modules', () => {
    const allowed = read('.dockerignore')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(allowed[0]).toBe('*');
    const copied = dockerfile
      .split('\n')
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1))
      .map((src) => src.replace(/^\.\//, ''));
    expect(copied.length).toBeGreaterThan(0);
    expect(new Set(allowed.slice(1).map((l) => l.replace(/^!/, '')))).toEqual(new Set(copied));
  });
});

describe('deployment templates', () => {
  it('listen on loopback with the proxy trusted there, except in compose where Caddy is the only peer', () => {
    const example = read('deploy/relay/.env.example');
    expect(example).toMatch(/^RELAY_HOST=127\.0\.0\.1$/m);
    expect(example).toMatch(/^RELAY_TRUST_PROXY=loopback$/m);
    const compose = read('deploy/relay/compose.yaml');
    expect(compose).toMatch(/^ {4}RELAY_HOST: 0\.0\.0\.0$/m);
    expect(compose).toMatch(/^ {4}RELAY_TRUST_PROXY: "1"$/m);
    // No published port for the relays: only Caddy's 80 and 443.
    expect(compose.match(/^ {6}- "\d+:\d+"$/gm)).toEqual(['      - "80:80"', '      - "443:443"']);
    expect(compose).toMatch(/max-size: \d+m/);
  });

  it('.env.example and the relay README list every variable the relay reads', () => {
    const example = read('deploy/relay/.env.example');
    const readme = read('server/relay/README.md');
    expect(RELAY_ENV_VARIABLES.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example))).toEqual([]);
    expect(RELAY_ENV_VARIABLES.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it('compose runs PostgreSQL, two relay instances and a TLS proxy that does not buffer the stream', () => {
    const compose = read('deploy/relay/compose.yaml');
    for (const service of ['postgres:', 'relay-1:', 'relay-2:', 'caddy:']) expect(compose).toContain(`\n  ${service}`);
    expect(compose).toContain('DATABASE_URL: postgres://');
    const caddy = read('deploy/relay/Caddyfile');
    expect(caddy).toMatch(/reverse_proxy relay-1:5001 relay-2:5001/);
    expect(caddy).toMatch(/flush_interval -1/);
  });

  it('the systemd unit starts the same command as the image', () => {
    const unit = read('deploy/relay/lifescore-relay.service');
    expect(unit).toContain(`ExecStart=/usr/bin/${RELAY_START_COMMAND.join(' ')}`);
    expect(unit).toMatch(/^Environment=NODE_ENV=production$/m);
  });
});
