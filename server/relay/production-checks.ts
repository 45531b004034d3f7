/**
 * What a production relay must be told explicitly (NODE_ENV=production). In development the relay runs with
 * loopback defaults; a production instance with those defaults would hand Cal.com unreachable URLs, keep its log in
 * the working directory of whatever started it, or quietly write booking emails to files nobody reads.
 */
export function productionProblems(env: NodeJS.ProcessEnv): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const mail = (env.RELAY_MAIL ?? '').trim();
  const problems: string[] = [];
  // An explicit mail choice must agree with SMTP_URL in every environment.
  if (mail === 'smtp' && !set('SMTP_URL')) problems.push('SMTP_URL: required when RELAY_MAIL=smtp');
  if (mail === 'files' && set('SMTP_URL'))
    problems.push('RELAY_MAIL: files and SMTP_URL contradict each other; unset one');
  if (env.NODE_ENV !== 'production') return problems;
  const publicUrl = (env.RELAY_PUBLIC_URL ?? '').trim();
  if (publicUrl === '')
    problems.push(
      'RELAY_PUBLIC_URL: required in production (the https:// URL Cal.com and the apps reach the relay at)',
    );
  else if (!publicUrl.toLowerCase().startsWith('https://'))
    problems.push('RELAY_PUBLIC_URL: must be an https:// URL in production (TLS ends at your proxy)');
  if (!set('RELAY_DATA_DIR') && !set('DATABASE_URL')) {
    problems.push(
      'RELAY_DATA_DIR: required in production unless DATABASE_URL is set (where the SQLite log and mail files live)',
    );
  }
  if (!set('SMTP_URL') && mail !== 'files') {
    problems.push(
      'SMTP_URL: required in production to send booking emails (or set RELAY_MAIL=files to keep them as .eml files on purpose)',
    );
  }
  return problems;
}
