// Runs under Node 24 in an app where msw 3 was installed beside the tarballs (no
// --legacy-peer-deps): every package's published mock serves one call through msw 3's
// setupServer, with unhandled requests failing, and the mock's own counters prove the requests
// reached it. Then the umbrella's sandbox, which resolves requests with msw 3's getResponse.
import { McParkenSession } from '@vendorkit/mcparken-session';
import { createMcParkenMock, MCPARKEN_MOCK_DEFAULTS } from '@vendorkit/mcparken-session/mocks';
import { OfficeRnDClient } from '@vendorkit/officernd-client';
import { createOfficeRnDMock, generateMockData } from '@vendorkit/officernd-client/mocks';
import { createAutologinUrl } from '@vendorkit/printlounge-sso';
import { createPrintLoungeMock } from '@vendorkit/printlounge-sso/mocks';
import { createWialonOkdeskAuth } from '@vendorkit/wialon-okdesk-auth';
import { createOkdeskMock, createWialonMock } from '@vendorkit/wialon-okdesk-auth/mocks';
import { setupServer } from 'msw/node';
import { startSandbox } from 'vendorkit/sandbox';

const assert = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`msw 3: ${what}`);
};

const mcparken = createMcParkenMock();
const officernd = createOfficeRnDMock({ orgSlug: 'msw3-org', seed: generateMockData(3) });
const printlounge = createPrintLoungeMock({ shops: { demo: 'msw3-check-passphrase-of-32-byte' } });
const wialon = createWialonMock({ users: ['AliceNorris'] });
const okdesk = createOkdeskMock({ contacts: [{ login: 'AliceNorris' }] });
const server = setupServer(
  ...mcparken.handlers,
  ...officernd.handlers,
  ...printlounge.handlers,
  ...wialon.handlers,
  ...okdesk.handlers,
);
server.listen({ onUnhandledFrame: 'error' });

const token = await new McParkenSession(MCPARKEN_MOCK_DEFAULTS).getAccessToken();
assert(token.length > 0 && mcparken.stats.sessionRequests === 1, 'McParken mock answered getsession');

const client = new OfficeRnDClient(officernd.credentials);
const page = await client.members.page({ $limit: 2 });
assert(page.results.length === 2 && officernd.stats.tokenRequests === 1, 'OfficeRnD mock answered');

const link = createAutologinUrl({
  shop: 'demo',
  passphrase: 'msw3-check-passphrase-of-32-byte',
  fields: { customer_user_name: 'max' },
});
const login = await fetch(link, { redirect: 'manual' });
assert(login.status === 302 && printlounge.logins.length === 1, `Print-Lounge mock logged in (${login.status})`);

const auth = createWialonOkdeskAuth({
  trustedWialonBaseUrls: ['https://hst-api.wialon.com'],
  okdesk: { baseUrl: okdesk.baseUrl, apiToken: okdesk.apiToken },
});
const hash = wialon.mintAuthHash('AliceNorris');
const { contact } = await auth.verify(
  `https://demo.okdesk.ru/wialonauth?user=AliceNorris&baseUrl=${encodeURIComponent('https://hst-api.wialon.com')}&authHash=${hash}`,
);
assert(contact.login === 'AliceNorris', 'Wialon and Okdesk mocks answered');

let unhandled: unknown;
try {
  await fetch('https://unmocked.example/');
} catch (error) {
  unhandled = error;
}
assert(unhandled !== undefined, 'an unhandled request fails (interception is on)');
server.close();

const sandbox = await startSandbox();
try {
  const viaSandbox = new McParkenSession({ ...sandbox.credentials.mcparken, baseUrl: sandbox.urls.mcparken });
  assert((await viaSandbox.getAccessToken()).length > 0, 'the sandbox served McParken');
} finally {
  await sandbox.close();
}
console.log(`msw 3 on Node ${process.versions.node}: every package's mock and the sandbox answered`);
