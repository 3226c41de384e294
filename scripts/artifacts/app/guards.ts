// Bundled by the artifact stage with esbuild --minify (class and function names become single
// letters) and run: every guard must recognise its own package's errors, and no other package's,
// by the Symbol.for brand alone. Also compiled with strict tsc, so the typing of the guards is
// checked too: shared codes such as 'invalid_configuration' are accepted by every package guard,
// a misspelt code is not. Every package re-exports what its README tells users to catch.
import { ConfigurationError, createMemoryStore, isVendorkitError } from '@vendorkit/core';
import * as mcparkenPackage from '@vendorkit/mcparken-session';
import { isMcParkenError, McParkenSession } from '@vendorkit/mcparken-session';
import { createMcParkenMock, MCPARKEN_MOCK_DEFAULTS } from '@vendorkit/mcparken-session/mocks';
import * as officerndPackage from '@vendorkit/officernd-client';
import { isOfficeRnDError, verifyWebhook } from '@vendorkit/officernd-client';
import * as printloungePackage from '@vendorkit/printlounge-sso';
import { createAutologinUrl, isPrintLoungeError, parseAutologinUrl } from '@vendorkit/printlounge-sso';
import * as redisStorePackage from '@vendorkit/redis-store';
import { createRedisStore, isRedisStoreError } from '@vendorkit/redis-store';
import * as rijndaelPackage from '@vendorkit/rijndael';
import { isRijndaelError, mcryptEncrypt } from '@vendorkit/rijndael';
import * as wialonPackage from '@vendorkit/wialon-okdesk-auth';
import { createWialonOkdeskAuth, isWialonAuthError } from '@vendorkit/wialon-okdesk-auth';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import * as umbrella from 'vendorkit';

const failures: string[] = [];
const assert = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
};
async function thrown(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, got none');
}

// Each package re-exports the shared ConfigurationError and isVendorkitError (a missing one
// fails tsc and the bundle: ES namespaces are checked by both).
for (const pkg of [
  mcparkenPackage,
  officerndPackage,
  printloungePackage,
  redisStorePackage,
  rijndaelPackage,
  wialonPackage,
  umbrella,
]) {
  assert(pkg.ConfigurationError === ConfigurationError, 'ConfigurationError is re-exported');
  assert(pkg.isVendorkitError === isVendorkitError, 'isVendorkitError is re-exported');
}

const mcparken = createMcParkenMock();
let putAttempts = 0;
const server = setupServer(
  ...mcparken.handlers,
  // A 200 answer that carries a McParken error body: a failure, to be reported once, not retried.
  http.put(`${MCPARKEN_MOCK_DEFAULTS.baseUrl}/parking/permits/1`, () => {
    putAttempts += 1;
    return HttpResponse.json({ errormessage: 'Permit is locked', errorcode: 409.1 });
  }),
);
server.listen({ onUnhandledRequest: 'error' });

const passphrase = 'guard-check-passphrase-of-32-byt';
const link = createAutologinUrl({ shop: 'demo', passphrase, fields: { customer_user_name: 'max' } });
const redisStore = createRedisStore({ url: 'redis://127.0.0.1:1' });

// One error of each package's own family, made the way users meet them.
const own = {
  rijndael: await thrown(() => mcryptEncrypt('rijndael-256', 'short key', 'data', 'ecb')),
  'printlounge-sso': await thrown(() => parseAutologinUrl(link, { passphrase: 'a-wrong-passphrase-of-32-bytes!!' })),
  'mcparken-session': await thrown(() =>
    new McParkenSession({ ...MCPARKEN_MOCK_DEFAULTS, password: 'wrong' }).getAccessToken(),
  ),
  'officernd-client': await thrown(() =>
    verifyWebhook({ payload: '{}', signature: 't=1,signature=00', secret: 'webhook-secret', now: () => 1_000 }),
  ),
  'wialon-okdesk-auth': await thrown(() =>
    createWialonOkdeskAuth({
      trustedWialonBaseUrls: ['https://hst-api.wialon.com'],
      okdesk: { baseUrl: 'https://acme.okdesk.ru', apiToken: 'okdesk-token' },
    }).verify('https://acme.okdesk.ru/wialonauth?user=a&authHash=b&baseUrl=https%3A%2F%2Fevil.example'),
  ),
  'redis-store': await thrown(() => redisStore.get(42 as unknown as string)),
};
await redisStore.close();

const guards: Record<keyof typeof own, (value: unknown) => boolean> = {
  rijndael: (e) => isRijndaelError(e),
  'printlounge-sso': (e) => isPrintLoungeError(e),
  'mcparken-session': (e) => isMcParkenError(e),
  'officernd-client': (e) => isOfficeRnDError(e),
  'wialon-okdesk-auth': (e) => isWialonAuthError(e),
  'redis-store': (e) => isRedisStoreError(e),
};
const names: Record<keyof typeof own, string> = {
  rijndael: 'RijndaelError',
  'printlounge-sso': 'PrintLoungeError',
  'mcparken-session': 'McParkenError',
  'officernd-client': 'WebhookVerificationError',
  'wialon-okdesk-auth': 'WialonAuthError',
  'redis-store': 'RedisStoreInputError',
};
const families = Object.keys(own) as Array<keyof typeof own>;

for (const family of families) {
  const error = own[family];
  assert(error instanceof Error, `${family}: an Error`);
  assert(
    (error as Error).name === names[family],
    `${family}: name is "${(error as Error).name}", not ${names[family]}`,
  );
  assert(isVendorkitError(error), `${family}: isVendorkitError`);
  assert(umbrella.isVendorkitError(error), `${family}: vendorkit's isVendorkitError`);
  for (const other of families) {
    assert(guards[other](error) === (other === family), `${other} guard on a ${family} error`);
  }
}
assert(isRijndaelError(own.rijndael, 'invalid_key_size'), 'isRijndaelError with its code');
assert(!isRijndaelError(own.rijndael, 'invalid_iv'), 'isRijndaelError with another code');
assert(isPrintLoungeError(own['printlounge-sso'], 'invalid_passphrase'), 'isPrintLoungeError with its code');
assert(isMcParkenError(own['mcparken-session'], '401.2'), 'isMcParkenError with its code');
assert(isOfficeRnDError(own['officernd-client'], 'webhook_signature_invalid'), 'isOfficeRnDError with its code');
assert(isWialonAuthError(own['wialon-okdesk-auth'], 'untrusted_base_url'), 'isWialonAuthError with its reason');
assert(isRedisStoreError(own['redis-store'], 'invalid_store_input'), 'isRedisStoreError with its code');

// The built session's own retry logic relies on the guard: a refused login is asked once, and
// a 200 answer carrying an error body is not sent again.
assert(
  mcparken.stats.sessionRequests === 1,
  `one getsession for a wrong password, saw ${mcparken.stats.sessionRequests}`,
);
const session = new McParkenSession(MCPARKEN_MOCK_DEFAULTS);
const putError = await thrown(() => session.http.put('parking/permits/1', { json: {} }));
assert(isMcParkenError(putError, '409.1'), `the PUT fails with McParken's code, got ${String(putError)}`);
assert(putAttempts === 1, `one PUT for an error body, saw ${putAttempts}`);

// Shared errors (bad options) are recognised by every package guard built on defineErrorGuard,
// and typed: 'invalid_configuration' is accepted as a code by each.
const shared = await thrown(() => createMemoryStore({ maxEntries: 0 }));
assert(shared instanceof ConfigurationError, 'ConfigurationError from core');
assert((shared as Error).name === 'ConfigurationError', 'ConfigurationError keeps its name');
assert(isVendorkitError(shared, 'invalid_configuration'), 'isVendorkitError with a shared code');
assert(isRijndaelError(shared, 'invalid_configuration'), 'isRijndaelError with a shared code');
assert(isPrintLoungeError(shared, 'invalid_configuration'), 'isPrintLoungeError with a shared code');
assert(isMcParkenError(shared, 'invalid_configuration'), 'isMcParkenError with a shared code');
assert(isOfficeRnDError(shared, 'invalid_configuration'), 'isOfficeRnDError with a shared code');
assert(isRedisStoreError(shared, 'invalid_configuration'), 'isRedisStoreError with a shared code');
assert(!isWialonAuthError(shared), 'a configuration error is not a Wialon login refusal');

// @ts-expect-error a misspelt shared code does not type-check
const misspelt = isVendorkitError(shared, 'store_unavailble');
// @ts-expect-error another package's code does not type-check on a package guard
const foreign = isPrintLoungeError(own['officernd-client'], 'webhook_signature_invalid');
assert(!misspelt && !foreign, "a misspelt code, or another package's code, is false");

// Look-alikes are not vendorkit errors: the brand decides, not name or code.
const lookAlikes = [
  Object.assign(new Error('x'), { name: 'McParkenError', code: '401.2' }),
  { name: 'PrintLoungeError', code: 'invalid_passphrase', message: 'x' },
  new Error('plain'),
  null,
  'RijndaelError',
];
for (const value of lookAlikes) {
  assert(!isVendorkitError(value), `look-alike ${JSON.stringify(value)}`);
  for (const family of families) assert(!guards[family](value), `${family} guard on look-alike ${String(value)}`);
}

// Errors from another copy of the packages (the installed, unbundled files) are recognised too.
const installedPrintLounge = ['@vendorkit', 'printlounge-sso'].join('/');
const other = (await import(installedPrintLounge)) as typeof import('@vendorkit/printlounge-sso');
const copyError = await thrown(() => other.parseAutologinUrl(link, { passphrase: 'a-wrong-passphrase-of-32-bytes!!' }));
assert(isPrintLoungeError(copyError, 'invalid_passphrase'), "the bundle's guard on another copy's error");
assert(!isMcParkenError(copyError), "another guard on another copy's error");

server.close();
if (failures.length > 0) throw new Error(`guard checks failed:\n${failures.join('\n')}`);
console.log(`guards: ${families.length} packages, own / other / shared / look-alike / second copy: all as expected`);
