/**
 * Issue 15 item 7: a refused login is never repeated by the package. McParken answers a wrong
 * apikey, username or password with an error body (VENDORS.md §4 [C], seed 004); asking again
 * with the same credentials cannot succeed, and every attempt counts towards locking the account.
 */
import { createMemoryStore } from '@vendorkit/core';
import { createMcParkenMock } from '@vendorkit/mcparken-session/mocks';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isMcParkenError, McParkenSession } from '../src/index.js';
import { DEFAULT_REFUSED_LOGIN_COOLDOWN_MS } from '../src/options.js';
import { CREDENTIALS, caught, manualClock, mockedSession } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const WRONG = { password: 'not-the-password' };

describe('a refused login is asked once', () => {
  it('getAccessToken with a wrong password: one getsession request', async () => {
    const { mock, session } = mockedSession(server, {}, WRONG);
    expect(isMcParkenError(await caught(session.getAccessToken()), '401.2')).toBe(true);
    expect(mock.stats.sessionRequests).toBe(1);
  });

  it('session.http with a wrong password: one getsession request and no protected request', async () => {
    const { mock, session } = mockedSession(server, {}, WRONG);
    expect(isMcParkenError(await caught(session.http.get('parking/zones')), '401.2')).toBe(true);
    expect(mock.stats.sessionRequests).toBe(1);
    expect(mock.stats.protectedRequests).toBe(0);
  });

  it('50 concurrent calls (http and getAccessToken) with a wrong password: one getsession request', async () => {
    const { mock, session } = mockedSession(server, {}, WRONG);
    const errors = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        caught(i % 2 === 0 ? session.getAccessToken() : session.http.get('parking/zones')),
      ),
    );
    for (const error of errors) expect(isMcParkenError(error, '401.2')).toBe(true);
    expect(mock.stats.sessionRequests).toBe(1);
  });

  it('a loop of 30 calls inside the cooldown: one getsession request; each failure says why nothing was sent', async () => {
    const clock = manualClock();
    const { mock, session } = mockedSession(server, { now: clock.now }, { ...WRONG, now: clock.now });
    const first = await caught(session.getAccessToken());
    for (let i = 0; i < 30; i += 1) {
      clock.advance(1_000);
      const again = await caught(i % 2 ? session.http.get('parking/zones') : session.getAccessToken());
      expect(isMcParkenError(again, '401.2')).toBe(true);
      expect((again as { status?: number }).status).toBe(401);
      expect((again as { reason?: string }).reason).toMatch(/refused .* not asked again/);
    }
    expect((first as { reason?: string }).reason).toBeUndefined();
    expect(mock.stats.sessionRequests).toBe(1);
  });

  it('after the cooldown (default 60 s) the login is tried again, once', async () => {
    const clock = manualClock();
    const { mock, session } = mockedSession(server, { now: clock.now }, { ...WRONG, now: clock.now });
    await caught(session.getAccessToken());
    clock.advance(DEFAULT_REFUSED_LOGIN_COOLDOWN_MS - 1);
    await caught(session.getAccessToken());
    expect(mock.stats.sessionRequests).toBe(1);
    clock.advance(1);
    await Promise.all(Array.from({ length: 5 }, () => caught(session.getAccessToken())));
    expect(mock.stats.sessionRequests).toBe(2);
  });

  it('refusedLoginCooldownMs: 0 asks McParken on every call (still once per call)', async () => {
    const { mock, session } = mockedSession(server, {}, { ...WRONG, refusedLoginCooldownMs: 0 });
    for (let i = 0; i < 3; i += 1) await caught(session.getAccessToken());
    expect(mock.stats.sessionRequests).toBe(3);
  });

  it('two processes on one store with the same wrong password: one getsession request between them', async () => {
    const store = createMemoryStore();
    const { mock, session } = mockedSession(server, {}, { ...WRONG, store });
    const other = new McParkenSession({ ...CREDENTIALS, ...WRONG, store });
    expect(isMcParkenError(await caught(session.getAccessToken()), '401.2')).toBe(true);
    const remembered = await caught(other.http.get('parking/zones'));
    expect(isMcParkenError(remembered, '401.2')).toBe(true);
    expect((remembered as { vendorMessage?: string }).vendorMessage).toBe('Wrong username or password');
    expect(mock.stats.sessionRequests).toBe(1);
  });

  it('the refusal is kept for those credentials only: the right password on the same store logs in at once', async () => {
    const store = createMemoryStore();
    const { mock, session } = mockedSession(server, {}, { ...WRONG, store });
    await caught(session.getAccessToken());
    const fixed = new McParkenSession({ ...CREDENTIALS, store });
    expect(await fixed.getAccessToken()).toEqual(expect.any(String));
    expect(mock.stats.sessionRequests).toBe(2);
  });

  it('every vendor refusal is remembered: 401.1 (apikey), 403.0 (no apikey header), 405.0 (empty field)', async () => {
    const { mock } = mockedSession(server);
    const cases: Array<[string, McParkenSession]> = [
      ['401.1', new McParkenSession({ ...CREDENTIALS, apiKey: 'an-expired-apikey' })],
      [
        '403.0',
        new McParkenSession({
          ...CREDENTIALS,
          fetch: (input, init) => {
            const headers = new Headers(init?.headers);
            headers.delete('apikey');
            return fetch(input, { ...init, headers });
          },
        }),
      ],
      [
        '405.0',
        new McParkenSession({
          ...CREDENTIALS,
          fetch: (input, init) => {
            const url = new URL(String(input));
            url.searchParams.set('password', '');
            return fetch(url, init);
          },
        }),
      ],
    ];
    for (const [code, session] of cases) {
      const before = mock.stats.sessionRequests;
      for (let i = 0; i < 3; i += 1) expect(isMcParkenError(await caught(session.getAccessToken()), code)).toBe(true);
      expect(mock.stats.sessionRequests - before, code).toBe(1);
    }
  });

  it('failures that are not a refusal (5xx, unreadable answer) are not remembered', async () => {
    let hits = 0;
    server.use(
      http.get('https://mcparken.se/api/session/getsession', () => {
        hits += 1;
        return hits % 2 ? new HttpResponse('busy', { status: 500 }) : new HttpResponse('<html>', { status: 200 });
      }),
    );
    const session = new McParkenSession({ ...CREDENTIALS, retries: 0 });
    expect(isMcParkenError(await caught(session.getAccessToken()), 'http_error')).toBe(true);
    expect(isMcParkenError(await caught(session.getAccessToken()), 'invalid_response')).toBe(true);
    expect(hits).toBe(2);
  });
});

describe('a request McParken answered with an error body is not repeated', () => {
  for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
    it(`${method.toUpperCase()} answered 200 with {"errorcode":"Z12"}: sent once, even with retry: true`, async () => {
      const mock = createMcParkenMock();
      server.use(...mock.handlers);
      let sent = 0;
      server.use(
        http.all('https://mcparken.se/api/parking/zones/1', () => {
          sent += 1;
          return HttpResponse.json({ errormessage: 'Zone closed', errorcode: 'Z12' });
        }),
      );
      const session = new McParkenSession(CREDENTIALS);
      for (const retry of [undefined, true]) {
        sent = 0;
        const error = await caught(
          session.http[method]('parking/zones/1', {
            ...(method === 'get' ? {} : { json: { open: false } }),
            ...(retry === undefined ? {} : { retry }),
          }),
        );
        expect(isMcParkenError(error, 'Z12')).toBe(true);
        expect(sent).toBe(1);
      }
    });
  }
});
