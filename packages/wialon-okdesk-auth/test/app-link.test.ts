import { isVendorkitError } from '@vendorkit/core';
import { createWialonAppLink, createWialonOkdeskAuth, isWialonAuthError } from '@vendorkit/wialon-okdesk-auth';
import { createOkdeskMock, createWialonMock } from '@vendorkit/wialon-okdesk-auth/mocks';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN, expectNoSecrets, OKDESK, rejectionOf, WIALON } from './helpers.js';

// What Wialon does when a user clicks an application, reproduced through the Remote API so a
// receiver can be tried from a shell: token/login (a session for the token's user), then
// core/create_auth_hash in that session (Wialon Remote API reference; VENDORS.md §3 [C]).

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const TOKEN = 'a1'.repeat(36); // Wialon tokens are 72 characters
const APP_URL = `${OKDESK}/wialonauth`;

function setup() {
  const wialon = createWialonMock({
    baseUrl: WIALON,
    users: [
      { name: 'AliceNorris', id: 20, token: TOKEN },
      { name: 'Customer', id: 30 },
    ],
  });
  const okdesk = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: [{ login: 'AliceNorris' }] });
  server.use(...wialon.handlers, ...okdesk.handlers);
  return { wialon };
}

const call = async (svc: string, params: unknown, sid?: string) => {
  const body = new URLSearchParams({ svc, params: JSON.stringify(params), ...(sid ? { sid } : {}) });
  return (await (await fetch(`${WIALON}/wialon/ajax.html`, { method: 'POST', body })).json()) as Record<
    string,
    unknown
  >;
};

describe('the Wialon mock signs in with a token and makes auth hashes in that session', () => {
  it('token/login → a session of the token user; create_auth_hash in it → a hash use_auth_hash accepts', async () => {
    setup();
    const session = await call('token/login', { token: TOKEN, fl: 1 });
    expect(session).toMatchObject({ au: 'AliceNorris', user: { nm: 'AliceNorris', id: 20 } });
    const { authHash } = await call('core/create_auth_hash', {}, session.eid as string);
    expect(authHash).toMatch(/^[0-9a-f]{32}$/);
    expect(await call('core/use_auth_hash', { authHash })).toMatchObject({ au: 'AliceNorris' });
  });

  it('token/login with operateAs acts for that user; an unknown token is refused', async () => {
    setup();
    expect(await call('token/login', { token: TOKEN, operateAs: 'Customer', fl: 1 })).toMatchObject({
      au: 'AliceNorris',
      user: { nm: 'Customer' },
    });
    expect(await call('token/login', { token: 'b2'.repeat(36), fl: 1 })).toEqual({ error: 8 });
    expect(await call('token/login', { fl: 1 })).toEqual({ error: 4 });
    // Without a session there is no current user (Wialon: create_auth_hash error 1).
    expect(await call('core/create_auth_hash', {})).toEqual({ error: 1 });
  });
});

describe('createWialonAppLink', () => {
  it('makes the link Wialon would open for the token user, and verify() accepts it once', async () => {
    const { wialon } = setup();
    const link = await createWialonAppLink({ wialonBaseUrl: WIALON, token: TOKEN, appUrl: APP_URL });
    const url = new URL(link);
    expect(`${url.origin}${url.pathname}`).toBe(APP_URL);
    expect(url.searchParams.get('user')).toBe('AliceNorris');
    expect(url.searchParams.get('baseUrl')).toBe(WIALON);
    expect(url.searchParams.get('authHash')).toMatch(/^[0-9a-f]{32}$/);
    expect(url.searchParams.get('lang')).toBe('en');
    expect(link).not.toContain(TOKEN);
    expect(wialon.stats).toMatchObject({ createAuthHash: 1 });
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [WIALON],
      okdesk: { baseUrl: OKDESK, apiToken: API_TOKEN },
    });
    expect((await auth.verify(link)).contact.login).toBe('AliceNorris');
    expect(isWialonAuthError(await rejectionOf(auth.verify(link)), 'replayed')).toBe(true);
  });

  it('keeps the query of the application URL', async () => {
    setup();
    const link = await createWialonAppLink({
      wialonBaseUrl: WIALON,
      token: TOKEN,
      appUrl: `${APP_URL}?tenant=acme`,
      lang: 'ru',
    });
    expect(new URL(link).searchParams.get('tenant')).toBe('acme');
    expect(new URL(link).searchParams.get('lang')).toBe('ru');
  });

  it('a refused token is an error that says what to check and never shows the token', async () => {
    setup();
    const wrong = 'c3'.repeat(36);
    const error = await rejectionOf(createWialonAppLink({ wialonBaseUrl: WIALON, token: wrong, appUrl: APP_URL }));
    expect(isWialonAuthError(error, 'upstream_unavailable')).toBe(true);
    expect((error as Error).message).toMatch(/token\/login.*error 8.*token/);
    expect((error as { wialonError?: number }).wialonError).toBe(8);
    expectNoSecrets(error, [wrong]);
  });

  it.each([
    [{ wialonBaseUrl: 'hst-api.wialon.com', token: TOKEN, appUrl: APP_URL }, /wialonBaseUrl/],
    [{ wialonBaseUrl: `${WIALON}?x=1`, token: TOKEN, appUrl: APP_URL }, /wialonBaseUrl/],
    [{ wialonBaseUrl: WIALON, token: '  ', appUrl: APP_URL }, /token/],
    [{ wialonBaseUrl: WIALON, token: TOKEN, appUrl: 'javascript:alert(1)' }, /appUrl/],
    [{ wialonBaseUrl: WIALON, token: TOKEN, appUrl: `${APP_URL}#x` }, /appUrl/],
  ])('rejects %j with a ConfigurationError naming the option', async (options, message) => {
    const error = await rejectionOf(createWialonAppLink(options));
    expect(isVendorkitError(error, 'invalid_configuration')).toBe(true);
    expect((error as Error).message).toMatch(message);
    expectNoSecrets(error, [TOKEN]);
  });
});
