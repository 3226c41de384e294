import { createMemoryStore } from '@vendorkit/core';
import { createWialonOkdeskAuth, isWialonAuthError, statusForReason } from '@vendorkit/wialon-okdesk-auth';
import { createOkdeskMock, createWialonMock } from '@vendorkit/wialon-okdesk-auth/mocks';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN, link, OKDESK, recordingLogger, rejectionOf, WIALON } from './helpers.js';

// Issue 15.2: a replay store that evicts its oldest entries can be flooded until it forgets a used
// hash, which Wialon (hashes are not documented as single use) then accepts again. The store must
// purge expired entries and then refuse new claims: verify() → replay_store_full, handle() → 503.
// A small maxEntries keeps the flood fast; the default store (100 000 entries) behaves the same.

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const MAX = 50;

function setup() {
  const wialon = createWialonMock({ baseUrl: WIALON, users: ['AliceNorris'] });
  const okdesk = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: [{ login: 'AliceNorris' }] });
  server.use(...wialon.handlers, ...okdesk.handlers);
  let clock = 1_000_000;
  const log = recordingLogger();
  const auth = createWialonOkdeskAuth({
    trustedWialonBaseUrls: [WIALON],
    okdesk: { baseUrl: OKDESK, apiToken: API_TOKEN },
    replayStore: createMemoryStore({ maxEntries: MAX, now: () => clock }),
    onSuccess: () => new Response('signed in'),
    logger: log.logger,
  });
  const junk = (i: number) =>
    link({ user: 'AliceNorris', baseUrl: WIALON, authHash: `junk-${String(i).padStart(8, '0')}` });
  return { wialon, auth, log, junk, tick: (ms: number) => (clock += ms) };
}

describe('replay protection survives a flood of junk links', () => {
  it('after the store is flooded full, a used hash is still refused as replayed', async () => {
    const { wialon, auth, junk } = setup();
    const used = link({ user: 'AliceNorris', baseUrl: WIALON, authHash: wialon.mintAuthHash('AliceNorris') });
    expect((await auth.verify(used)).contact.login).toBe('AliceNorris');
    for (let i = 0; i < MAX * 3; i++) await auth.verify(junk(i)).catch(() => undefined);
    const again = await rejectionOf(auth.verify(used));
    expect(isWialonAuthError(again, 'replayed')).toBe(true);
  });

  it('a full store refuses new claims with replay_store_full (503), saying what to do; nothing reaches Wialon', async () => {
    const { wialon, auth, log, junk } = setup();
    for (let i = 0; i < MAX; i++) await auth.verify(junk(i)).catch(() => undefined);
    const before = wialon.stats.requests;
    const fresh = link({ user: 'AliceNorris', baseUrl: WIALON, authHash: wialon.mintAuthHash('AliceNorris') });
    const error = await rejectionOf(auth.verify(fresh));
    expect(isWialonAuthError(error, 'replay_store_full')).toBe(true);
    expect((error as Error).message).toMatch(/maxEntries|redis-store/);
    expect(wialon.stats.requests).toBe(before);
    expect(statusForReason('replay_store_full')).toBe(503);
    const page = await auth.handle(
      new Request(link({ user: 'AliceNorris', baseUrl: WIALON, authHash: wialon.mintAuthHash('AliceNorris') })),
    );
    expect(page.status).toBe(503);
    expect(await page.text()).toContain('Reference: replay_store_full');
    expect(log.lines.at(-1)?.details?.reason).toBe('replay_store_full');
  });

  it('once the flood has expired, logins work again (expired marks are purged, live ones never)', async () => {
    const { wialon, auth, junk, tick } = setup();
    const used = link({ user: 'AliceNorris', baseUrl: WIALON, authHash: wialon.mintAuthHash('AliceNorris') });
    await auth.verify(used);
    tick(60_000);
    for (let i = 0; i < MAX - 1; i++) await auth.verify(junk(i)).catch(() => undefined);
    tick(61_000); // the used hash's mark (120 s) has expired; the junk marks (120 s) have not
    const fresh = link({ user: 'AliceNorris', baseUrl: WIALON, authHash: wialon.mintAuthHash('AliceNorris') });
    expect((await auth.verify(fresh)).contact.login).toBe('AliceNorris');
    const next = link({ user: 'AliceNorris', baseUrl: WIALON, authHash: wialon.mintAuthHash('AliceNorris') });
    expect(isWialonAuthError(await rejectionOf(auth.verify(next)), 'replay_store_full')).toBe(true);
    tick(60_000);
    expect((await auth.verify(next)).contact.login).toBe('AliceNorris');
  });
});
