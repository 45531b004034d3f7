import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { consultantRowSchema, relayErrorSchema, type ConsultantRow } from '../../common/relay';

/**
 * `npm run relay:admin -- list | approve <username> | suspend <username>` (issue 16). Talks to the running relay's
 * admin API (RELAY_ADMIN_URL, else RELAY_PUBLIC_URL, else http://RELAY_HOST:RELAY_PORT) with RELAY_ADMIN_TOKEN:
 * one code path decides approvals, it takes effect at once on every instance, and the operator needs no database
 * credentials on the machine they run it from.
 */
export async function runAdminCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): Promise<number> {
  const [command, username, ...rest] = argv;
  const usage = 'usage: npm run relay:admin -- list | approve <cal.com username> | suspend <cal.com username>';
  if (
    rest.length > 0 ||
    !(command === 'list' ? username === undefined : (command === 'approve' || command === 'suspend') && username)
  ) {
    out(usage);
    return 2;
  }
  const token = env.RELAY_ADMIN_TOKEN?.trim();
  if (!token) {
    out('RELAY_ADMIN_TOKEN is not set: export the same admin token the relay runs with.');
    return 2;
  }
  const host = env.RELAY_HOST?.trim() || '127.0.0.1';
  const base = (
    env.RELAY_ADMIN_URL?.trim() ||
    env.RELAY_PUBLIC_URL?.trim() ||
    `http://${host.includes(':') ? `[${host}]` : host}:${env.RELAY_PORT?.trim() || '5001'}`
  ).replace(/\/+$/, '');
  const path =
    command === 'list'
      ? '/api/admin/consultants'
      : `/api/admin/consultants/${encodeURIComponent(username as string)}/${command}`;
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method: command === 'list' ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
  } catch (err) {
    out(`Could not reach the relay at ${base}: ${(err as Error).message}`);
    return 1;
  }
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = relayErrorSchema.safeParse(json);
    out(`${res.status} ${e.success ? `${e.data.error.code}: ${e.data.error.message}` : 'unexpected answer'}`);
    return 1;
  }
  const line = (c: ConsultantRow) =>
    [
      c.username.padEnd(24),
      c.approval.padEnd(10),
      String(c.channels).padStart(2),
      ' ',
      (c.slug ?? '-').padEnd(24),
      c.email,
    ].join(' ');
  if (command === 'list') {
    const rows = z.object({ consultants: z.array(consultantRowSchema) }).parse(json).consultants;
    out(
      rows.length === 0
        ? 'No verified consultants yet.'
        : `${'USERNAME'.padEnd(24)} ${'APPROVAL'.padEnd(10)} CH  ${'SLUG'.padEnd(24)} EMAIL`,
    );
    for (const c of rows) out(line(c));
  } else {
    const c = z.object({ consultant: consultantRowSchema }).parse(json).consultant;
    out(`${c.username} is now ${c.approval}.`);
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  void runAdminCli(process.argv.slice(2), process.env, (l) => console.log(l)).then((code) => (process.exitCode = code));
}
