import { pino } from 'pino';
import { z } from 'zod';
import { createSandbox } from './index';

/** `npm run sandbox`: the Cal.com sandbox alone, configured from the environment. */
const envSchema = z.object({
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(5555),
  SANDBOX_DATA_FILE: z.string().min(1).optional(),
  RELAY_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
});

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    for (const i of parsed.error.issues) console.error(`Invalid ${i.path.join('.')}: ${i.message}`);
    process.exit(1);
  }
  const env = parsed.data;
  const logger = pino({ name: 'calcom-sandbox' });
  const sandbox = createSandbox({
    host: env.SANDBOX_HOST,
    port: env.SANDBOX_PORT,
    ...(env.SANDBOX_DATA_FILE ? { dataFile: env.SANDBOX_DATA_FILE } : {}),
    ...(env.RELAY_PUBLIC_URL ? { relayPublicUrl: env.RELAY_PUBLIC_URL } : {}),
    logger,
  });
  const shutdown = () => void sandbox.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  const url = await sandbox.start();
  console.log(`Cal.com sandbox: ${url}  (admin: ${url}/_sandbox)`);
}

main().catch((err: unknown) => {
  console.error(`Cal.com sandbox failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
