import { createWialonOkdeskAuth, isWialonAuthError } from '@vendorkit/wialon-okdesk-auth';
import { createOkdeskMock, createWialonMock } from '@vendorkit/wialon-okdesk-auth/mocks';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseLogoutAnswer } from '../src/wialon-api.js';
import { API_TOKEN, OKDESK, recordingLogger, rejectionOf, WIALON } from './helpers.js';

// Which name in a core/use_auth_hash answer is the person who clicked? Wialon's Remote API
// reference (help.wialon.com → API → core/use_auth_hash; same fields as token/login and
// core/login) documents `au` as "user name" — the user who signed in — and `user` as the user
// "from whose behalf" the session acts (`operateAs`); VENDORS.md §3 "Found since the first
// release", [C]. In an "operate as" (Log in as) session they differ: `au` is the person at the
// keyboard, `user` the account they act for. Only `au` identifies the person clicking.

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let wialon: ReturnType<typeof createWialonMock>;
let log: ReturnType<typeof recordingLogger>;
beforeEach(() => {
  wialon = createWialonMock({
    baseUrl: WIALON,
    users: [
      { name: 'DealerBob', id: 10 },
      { name: 'AliceNorris', id: 20 },
    ],
  });
  const okdesk = createOkdeskMock({
    baseUrl: OKDESK,
    apiToken: API_TOKEN,
    contacts: [{ login: 'DealerBob' }, { login: 'AliceNorris' }],
  });
  log = recordingLogger();
  server.use(...wialon.handlers, ...okdesk.handlers);
});

const auth = () =>
  createWialonOkdeskAuth({
    trustedWialonBaseUrls: [WIALON],
    okdesk: { baseUrl: OKDESK, apiToken: API_TOKEN },
    logger: log.logger,
  });

describe('the Wialon user is `au`, the person who signed in', () => {
  it('the mock answers an "operate as" session with au = who signed in, user = whom they act for', async () => {
    const authHash = wialon.mintAuthHash('DealerBob', { operateAs: 'AliceNorris' });
    const body = new URLSearchParams({ svc: 'core/use_auth_hash', params: JSON.stringify({ authHash }) });
    const answer = (await (await fetch(`${WIALON}/wialon/ajax.html`, { method: 'POST', body })).json()) as {
      au: string;
      user: { nm: string; id: number };
    };
    expect(answer.au).toBe('DealerBob');
    expect(answer.user).toMatchObject({ nm: 'AliceNorris', id: 20 });
  });

  it('a dealer operating as a customer is logged in as the dealer, not the customer', async () => {
    const authHash = wialon.mintAuthHash('DealerBob', { operateAs: 'AliceNorris' });
    const result = await auth().verify({ user: 'DealerBob', baseUrl: WIALON, authHash });
    expect(result.contact.login).toBe('DealerBob');
    // user.id belongs to AliceNorris here, so no id is reported for DealerBob.
    expect(result.wialonUser).toEqual({ name: 'DealerBob', id: null, operatingAs: 'AliceNorris' });
    expect(wialon.activeSessions()).toEqual([]);
  });

  it("a link naming the account acted for is refused: acting as Alice does not make you Alice's contact", async () => {
    const authHash = wialon.mintAuthHash('DealerBob', { operateAs: 'AliceNorris' });
    const error = await rejectionOf(auth().verify({ user: 'AliceNorris', baseUrl: WIALON, authHash }));
    expect(isWialonAuthError(error, 'user_mismatch')).toBe(true);
    expect(wialon.activeSessions()).toEqual([]);
  });

  it('an answer without `au` is not a confirmation of anyone', async () => {
    wialon.overrideAnswer('core/use_auth_hash', (answer) => {
      const { au: _dropped, ...rest } = answer as Record<string, unknown>;
      return rest;
    });
    const authHash = wialon.mintAuthHash('AliceNorris');
    const error = await rejectionOf(auth().verify({ user: 'AliceNorris', baseUrl: WIALON, authHash }));
    expect(isWialonAuthError(error, 'upstream_unavailable')).toBe(true);
    expect((error as Error).message).toMatch(/\bau\b/);
  });

  it('an ordinary session reports the user id', async () => {
    const result = await auth().verify({
      user: 'AliceNorris',
      baseUrl: WIALON,
      authHash: wialon.mintAuthHash('AliceNorris'),
    });
    expect(result.wialonUser).toEqual({ name: 'AliceNorris', id: 20 });
  });
});

describe('core/logout answers 0, 1 (server connection error) or 4 (non-authorised user)', () => {
  // Wialon Remote API reference, core/logout (VENDORS.md §3, [C]).
  const logout = async (sid?: string) => {
    const body = new URLSearchParams({ svc: 'core/logout', params: '{}', ...(sid ? { sid } : {}) });
    return (await (await fetch(`${WIALON}/wialon/ajax.html`, { method: 'POST', body })).json()) as { error: number };
  };

  it('the mock: 0 for an open session, 4 for a closed, unknown or missing one', async () => {
    const sid = wialon.openSession('AliceNorris');
    expect(await logout(sid)).toEqual({ error: 0 });
    expect(await logout(sid)).toEqual({ error: 4 });
    expect(await logout('f'.repeat(32))).toEqual({ error: 4 });
    expect(await logout()).toEqual({ error: 4 });
  });

  it("parseLogoutAnswer names each documented code's meaning", () => {
    expect(() => parseLogoutAnswer(200, '{"error":0}')).not.toThrow();
    expect(() => parseLogoutAnswer(200, '{"error":1}')).toThrow(/error 1: server connection error/);
    expect(() => parseLogoutAnswer(200, '{"error":4}')).toThrow(/error 4: not authorised/);
    expect(() => parseLogoutAnswer(200, '{"error":7}')).toThrow(/error 7\)/);
  });

  it('a logout that fails with 1 is logged with its meaning; the login still succeeds', async () => {
    wialon.overrideAnswer('core/logout', () => ({ error: 1 }));
    const authHash = wialon.mintAuthHash('AliceNorris');
    const result = await auth().verify({ user: 'AliceNorris', baseUrl: WIALON, authHash });
    expect(result.contact.login).toBe('AliceNorris');
    const warning = log.lines.find((l) => l.message.includes('closing the Wialon session'));
    expect(warning?.details?.detail).toMatch(/server connection error/);
  });
});
