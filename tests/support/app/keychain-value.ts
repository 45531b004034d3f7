/**
 * Test helper: one keychain call through the real adapter, for tests that drive the Secret Service from a shell.
 * `set <service> <account> <value>` stores; `get <service> <account>` prints the value as JSON (null when absent).
 */
import { createNapiKeychain } from '../../../main/core/keychain/napi-keychain';

const [verb, service, account, value] = process.argv.slice(2);
if (!service || !account || (verb !== 'get' && verb !== 'set') || (verb === 'set' && value === undefined)) {
  console.error('usage: keychain-value set <service> <account> <value> | get <service> <account>');
  process.exit(2);
}
const keychain = createNapiKeychain(service);
if (verb === 'set') await keychain.set(account, value!);
else console.log(JSON.stringify(await keychain.get(account)));
