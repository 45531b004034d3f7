/**
 * Test helper run by napi-keychain.test.ts inside a private D-Bus session: exercises the real adapter and prints
 * one JSON line per step. Not part of the app.
 */
import { AppFailure } from '../../../common/errors';
import { createNapiKeychain } from '../../../main/core/keychain/napi-keychain';

const service = process.argv[2] ?? 'LifeScore Consultant Test';
const keychain = createNapiKeychain(service);

async function step(name: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    console.log(JSON.stringify({ step: name, ok: true, value: await fn() }));
  } catch (err) {
    const code = err instanceof AppFailure ? err.code : 'thrown';
    console.log(
      JSON.stringify({ step: name, ok: false, code, message: err instanceof Error ? err.message : String(err) }),
    );
  }
}

await step('get-empty', () => keychain.get('calcom:refresh'));
await step('set', () => keychain.set('calcom:refresh', 'r-1 ünïcødé'));
await step('get', () => keychain.get('calcom:refresh'));
await step('overwrite', () => keychain.set('calcom:refresh', 'r-2'));
await step('get-again', () => keychain.get('calcom:refresh'));
await step('other-account', () => keychain.get('calcom:access'));
await step('delete', () => keychain.delete('calcom:refresh'));
await step('delete-again', () => keychain.delete('calcom:refresh'));
await step('get-deleted', () => keychain.get('calcom:refresh'));
