import { createMemoryStore, isVendorkitError, VendorkitError } from '@vendorkit/core';
import { createWialonOkdeskAuth, isWialonAuthError, type WialonAuthError } from '@vendorkit/wialon-okdesk-auth';
import { createOkdeskMock, createWialonMock } from '@vendorkit/wialon-okdesk-auth/mocks';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_TOKEN, expectNoSecrets, link, OKDESK, recordingLogger, rejectionOf, WIALON } from './helpers.js';

const server = setupServer();
const seenUrls: string[] = [];
server.events.on('request:start', ({ request }) => {
  seenUrls.push(request.url);
});
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let wialon: ReturnType<typeof createWialonMock>;
let okdesk: ReturnType<typeof createOkdeskMock>;
let log: ReturnType<typeof recordingLogger>;
let impostorCalls: number;

beforeEach(() => {
  seenUrls.length = 0;
  impostorCalls = 0;
  wialon = createWialonMock({ baseUrl: WIALON, users: ['AliceNorris', 'bob', { name: 'Carol', id: 77 }] });
  okdesk = createOkdeskMock({
    baseUrl: OKDESK,
    apiToken: API_TOKEN,
    contacts: [
      { login: 'AliceNorris', first_name: 'Alice', last_name: 'Norris' },
      { login: 'Carol', first_name: 'Carol' },
    ],
  });
  log = recordingLogger();
  // Impostors: any host other than the two real ones counts. They answer like a Wialon that
  // vouches for anyone, so a request reaching them would be a login bypass.
  const vouch = () => {
    impostorCalls++;
    return HttpResponse.json({ eid: 'impostor-session', au: 'AliceNorris', user: { nm: 'AliceNorris', id: 1 } });
  };
  server.use(
    ...wialon.handlers,
    ...okdesk.handlers,
    http.all(/^https?:\/\/(?!hst-api\.wialon\.com\/|acme\.okdesk\.ru\/)/, vouch),
    http.all(/^https?:\/\/hst-api\.wialon\.com:\d+\//, vouch),
    http.all(/^http:\/\/hst-api\.wialon\.com\//, vouch),
  );
});

function makeAuth(extra: Partial<Parameters<typeof createWialonOkdeskAuth>[0]> = {}) {
  return createWialonOkdeskAuth({
    trustedWialonBaseUrls: [WIALON],
    okdesk: { baseUrl: OKDESK, apiToken: API_TOKEN },
    logger: log.logger,
    ...extra,
  });
}

async function refusal(promise: Promise<unknown>, reason: WialonAuthError['reason'], secrets: string[] = []) {
  const error = await rejectionOf(promise);
  expect(isWialonAuthError(error, reason), `expected ${reason}, got ${String(error)}`).toBe(true);
  expect(isVendorkitError(error)).toBe(true);
  expect((error as WialonAuthError).code).toBe(`wialon_auth_${reason}`);
  expect(error).toBeInstanceOf(VendorkitError);
  expectNoSecrets(error, [API_TOKEN, ...secrets, ...wialon.openedSessions]);
  for (const secret of [API_TOKEN, ...secrets, ...wialon.openedSessions]) expect(log.text()).not.toContain(secret);
  const warned = log.lines.filter((l) => l.level === 'warn' && l.details?.reason === reason);
  expect(warned.length).toBeGreaterThan(0);
  return error as WialonAuthError;
}

describe('verify() success', () => {
  it('resolves the Wialon user and the Okdesk contact, and closes the Wialon session', async () => {
    const authHash = wialon.mintAuthHash('Carol');
    const result = await makeAuth().verify(link({ user: 'Carol', baseUrl: WIALON, authHash }));
    expect(result.wialonUser).toEqual({ name: 'Carol', id: 77 });
    expect(result.contact.login).toBe('Carol');
    expect(result.contact.id).toBe(okdesk.contacts.find((c) => c.login === 'Carol')?.id);
    expect(wialon.openedSessions).toHaveLength(1);
    expect(wialon.closedSessions).toEqual(wialon.openedSessions);
    expect(wialon.activeSessions()).toEqual([]);
    expect(log.text()).not.toContain(authHash);
    expect(log.text()).not.toContain(wialon.openedSessions[0]);
    expect(log.lines.some((l) => l.level === 'info' && l.details?.user === 'Carol')).toBe(true);
  });

  it('accepts URL, URLSearchParams, query string and record inputs, and a normalised base URL', async () => {
    const auth = makeAuth();
    const inputs = [
      (h: string) => new URL(link({ user: 'AliceNorris', baseUrl: WIALON, authHash: h })),
      (h: string) => new URLSearchParams({ user: 'AliceNorris', baseUrl: 'HTTPS://HST-API.Wialon.COM/', authHash: h }),
      (h: string) => `?user=AliceNorris&baseUrl=${encodeURIComponent('https://hst-api.wialon.com:443')}&authHash=${h}`,
      (h: string) => ({ user: 'AliceNorris', baseUrl: WIALON, authHash: h, lang: 'en' }),
    ];
    for (const make of inputs) {
      const result = await auth.verify(make(wialon.mintAuthHash('AliceNorris')));
      expect(result.contact.login).toBe('AliceNorris');
    }
    expect(wialon.closedSessions).toHaveLength(4);
    // Requests went to the configured origin only, never to a spelling taken from the link.
    expect(
      seenUrls.every((u) => u.startsWith(`${WIALON}/wialon/ajax.html?svc=`) || u.startsWith(`${OKDESK}/api/v1/`)),
    ).toBe(true);
  });

  it('sends the hash and session id in the form body, never in a URL', async () => {
    const authHash = wialon.mintAuthHash('Carol');
    await makeAuth().verify(link({ user: 'Carol', baseUrl: WIALON, authHash }));
    for (const url of seenUrls) {
      expect(url).not.toContain(authHash);
      expect(url).not.toContain(wialon.openedSessions[0]);
    }
    expect(seenUrls.filter((u) => u.includes('svc=core/use_auth_hash'))).toHaveLength(1);
    expect(seenUrls.filter((u) => u.includes('svc=core/logout'))).toHaveLength(1);
  });
});

describe('verify() refusals', () => {
  it('missing_parameter for each absent, empty or repeated parameter, with no request', async () => {
    const auth = makeAuth();
    const full = { user: 'Carol', baseUrl: WIALON, authHash: 'a'.repeat(32) };
    for (const name of ['user', 'baseUrl', 'authHash'] as const) {
      const without = { ...full, [name]: undefined };
      const error = await refusal(auth.verify(link(without)), 'missing_parameter');
      expect(error.message).toContain(name);
      await refusal(auth.verify({ ...full, [name]: '' }), 'missing_parameter');
      const repeated = new URLSearchParams(full);
      repeated.append(name, 'x');
      await refusal(auth.verify(repeated), 'missing_parameter');
    }
    await refusal(auth.verify({ ...full, user: ['a', 'b'] }), 'missing_parameter');
    await refusal(auth.verify({ ...full, user: 42 }), 'missing_parameter');
    await refusal(auth.verify({ ...full, user: 'a\u0000b' }), 'missing_parameter');
    expect(seenUrls).toEqual([]);
  });

  const impostors = [
    'https://evil.test',
    'https://hst-api.wialon.com.evil.test',
    'https://user@hst-api.wialon.com@evil.test',
    'https://hst-api.wialon.com@evil.test',
    'http://hst-api.wialon.com',
    'https://hst-api.wialon.com:8443',
    'https://hst-api.wialon.com/evil',
    'https://hst-api.wialon.com/..',
    'https://hst-api.wialon.com/x/../',
    'https://hst-api.wialon.com/%2e%2e/',
    'https://evil.test/https://hst-api.wialon.com',
    'https://evil.test/..%2fhst-api.wialon.com',
    'https://hst-api.wialon.com?host=evil.test',
    'https://hst-api.wialon.com#evil.test',
    'https://hst-api.wiаlon.com', // Cyrillic "а": an IDN look-alike
    'https://xn--hst-api.wialon.com',
    'https://hst-api.wialon.com.',
    'https:\\\\evil.test',
    'https:/\\evil.test',
    '//evil.test',
    ' https://hst-api.wialon.com',
    'https://hst-api.wialon.com /',
    'javascript:alert(1)',
    'ftp://hst-api.wialon.com',
    'https://hst-api.wialon.com.evil.test:443/',
    'hst-api.wialon.com',
  ];

  it.each(impostors)('untrusted_base_url for %j — the impostor receives NOTHING', async (baseUrl) => {
    const authHash = wialon.mintAuthHash('AliceNorris');
    const auth = makeAuth();
    await refusal(auth.verify({ user: 'AliceNorris', baseUrl, authHash }), 'untrusted_base_url', [authHash]);
    expect(impostorCalls).toBe(0);
    expect(seenUrls).toEqual([]);
    // The hash was not burnt by the refused attempt: the genuine link still works.
    const result = await auth.verify({ user: 'AliceNorris', baseUrl: WIALON, authHash });
    expect(result.contact.login).toBe('AliceNorris');
    expect(impostorCalls).toBe(0);
  });

  it('an http:// entry is trusted only when the configuration says http', async () => {
    const localWialon = createWialonMock({ baseUrl: 'http://wialon.local:8022', users: ['Carol'] });
    server.use(...localWialon.handlers);
    const auth = makeAuth({ trustedWialonBaseUrls: ['http://wialon.local:8022'] });
    const ok = await auth.verify({
      user: 'Carol',
      baseUrl: 'http://wialon.local:8022',
      authHash: localWialon.mintAuthHash('Carol'),
    });
    expect(ok.contact.login).toBe('Carol');
    await refusal(
      auth.verify({ user: 'Carol', baseUrl: 'https://wialon.local:8022', authHash: localWialon.mintAuthHash('Carol') }),
      'untrusted_base_url',
    );
    await refusal(
      auth.verify({ user: 'Carol', baseUrl: 'http://wialon.local', authHash: localWialon.mintAuthHash('Carol') }),
      'untrusted_base_url',
    );
  });

  it('invalid_auth_hash for an unknown, expired or malformed hash', async () => {
    let now = 1_000_000;
    const clockWialon = createWialonMock({ baseUrl: WIALON, users: ['Carol'], now: () => now });
    server.use(...clockWialon.handlers);
    const auth = makeAuth();
    const unknown = 'f'.repeat(32);
    await refusal(auth.verify({ user: 'Carol', baseUrl: WIALON, authHash: unknown }), 'invalid_auth_hash', [unknown]);
    const expiring = clockWialon.mintAuthHash('Carol');
    now += 120_001;
    const error = await refusal(
      auth.verify({ user: 'Carol', baseUrl: WIALON, authHash: expiring }),
      'invalid_auth_hash',
      [expiring],
    );
    expect(error.wialonError).toBe(1);
    const before = clockWialon.stats.requests;
    await refusal(auth.verify({ user: 'Carol', baseUrl: WIALON, authHash: 'has space' }), 'invalid_auth_hash');
    expect(clockWialon.stats.requests).toBe(before);
  });

  it.each([1, 4, 7, 8])('invalid_auth_hash for Wialon error %i', async (code) => {
    wialon.failNext(code);
    const authHash = wialon.mintAuthHash('Carol');
    const error = await refusal(makeAuth().verify({ user: 'Carol', baseUrl: WIALON, authHash }), 'invalid_auth_hash', [
      authHash,
    ]);
    expect(error.wialonError).toBe(code);
  });

  it.each([5, 6, 9, 10, 1003])('upstream_unavailable for Wialon error %i', async (code) => {
    wialon.failNext(code);
    const authHash = wialon.mintAuthHash('Carol');
    const error = await refusal(
      makeAuth().verify({ user: 'Carol', baseUrl: WIALON, authHash }),
      'upstream_unavailable',
      [authHash],
    );
    expect(error.wialonError).toBe(code);
    expect(error.upstream).toBe('wialon');
  });

  it('user_mismatch when Wialon names someone else (case included), and the session is still closed', async () => {
    const auth = makeAuth();
    const authHash = wialon.mintAuthHash('AliceNorris');
    await refusal(auth.verify({ user: 'alicenorris', baseUrl: WIALON, authHash }), 'user_mismatch', [authHash]);
    expect(wialon.openedSessions).toHaveLength(1);
    expect(wialon.closedSessions).toEqual(wialon.openedSessions);
    expect(okdesk.stats.search + okdesk.stats.list).toBe(0);

    const bobHash = wialon.mintAuthHash('bob');
    await refusal(auth.verify({ user: 'Carol', baseUrl: WIALON, authHash: bobHash }), 'user_mismatch', [bobHash]);
    expect(wialon.activeSessions()).toEqual([]);
  });

  it('user_mismatch when `au` and `user.nm` disagree', async () => {
    wialon.overrideAnswer('core/use_auth_hash', (answer) => ({ ...(answer as object), au: 'Mallory' }));
    const authHash = wialon.mintAuthHash('Carol');
    await refusal(makeAuth().verify({ user: 'Carol', baseUrl: WIALON, authHash }), 'user_mismatch', [authHash]);
    expect(wialon.activeSessions()).toEqual([]);
  });

  it('unknown_contact when no contact has the login; the session is closed', async () => {
    const authHash = wialon.mintAuthHash('bob');
    await refusal(makeAuth().verify({ user: 'bob', baseUrl: WIALON, authHash }), 'unknown_contact', [authHash]);
    expect(wialon.closedSessions).toEqual(wialon.openedSessions);
    expect(wialon.closedSessions).toHaveLength(1);
  });

  it('unknown_contact when a custom directory returns a contact with another login (loose match)', async () => {
    const auth = makeAuth({
      okdesk: { findContactByLogin: async (login) => ({ id: 1, login: login.toLowerCase() }) },
    });
    const authHash = wialon.mintAuthHash('Carol');
    await refusal(auth.verify({ user: 'Carol', baseUrl: WIALON, authHash }), 'unknown_contact', [authHash]);
  });

  it('replayed on a second use, without a second Wialon request', async () => {
    const auth = makeAuth();
    const authHash = wialon.mintAuthHash('Carol');
    await auth.verify({ user: 'Carol', baseUrl: WIALON, authHash });
    await refusal(auth.verify({ user: 'Carol', baseUrl: WIALON, authHash }), 'replayed', [authHash]);
    expect(wialon.stats.useAuthHash).toBe(1);
  });

  it('replayed even when the first use failed (the hash is claimed before Wialon is asked)', async () => {
    const auth = makeAuth();
    wialon.failNext(6);
    const authHash = wialon.mintAuthHash('Carol');
    await refusal(auth.verify({ user: 'Carol', baseUrl: WIALON, authHash }), 'upstream_unavailable', [authHash]);
    await refusal(auth.verify({ user: 'Carol', baseUrl: WIALON, authHash }), 'replayed', [authHash]);
  });

  it.each([
    { authHashLifetimeMs: 120_000 },
    { authHashLifetimeSeconds: 120 }, // the deprecated alias, still honoured for one release
  ])('forgets a hash after its lifetime %j (Wialon then refuses it itself)', async (lifetime) => {
    let now = 5_000_000;
    const clockWialon = createWialonMock({ baseUrl: WIALON, users: ['Carol'], now: () => now });
    server.use(...clockWialon.handlers);
    const auth = makeAuth({ replayStore: createMemoryStore({ now: () => now }), ...lifetime });
    const authHash = clockWialon.mintAuthHash('Carol');
    await auth.verify({ user: 'Carol', baseUrl: WIALON, authHash });
    now += 119_000;
    await refusal(auth.verify({ user: 'Carol', baseUrl: WIALON, authHash }), 'replayed');
    now += 2_000;
    await refusal(auth.verify({ user: 'Carol', baseUrl: WIALON, authHash }), 'invalid_auth_hash');
  });

  it('50 concurrent verify() with one hash: exactly one success, 49 replayed, one Wialon call', async () => {
    const auth = makeAuth();
    const authHash = wialon.mintAuthHash('AliceNorris');
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => auth.verify(link({ user: 'AliceNorris', baseUrl: WIALON, authHash }))),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const replayed = results.filter((r) => r.status === 'rejected' && isWialonAuthError(r.reason, 'replayed'));
    expect(ok).toHaveLength(1);
    expect(replayed).toHaveLength(49);
    expect(wialon.stats.useAuthHash).toBe(1);
    expect(wialon.closedSessions).toHaveLength(1);
  });

  it('upstream_unavailable when the replay store fails (no Wialon request)', async () => {
    const store = createMemoryStore();
    const broken = {
      ...store,
      setIfAbsent: async () => {
        throw new Error(`redis down, key contains ${API_TOKEN}`);
      },
    };
    const authHash = wialon.mintAuthHash('Carol');
    const error = await refusal(
      makeAuth({ replayStore: broken }).verify({ user: 'Carol', baseUrl: WIALON, authHash }),
      'upstream_unavailable',
      [authHash, 'redis down'],
    );
    expect(error.upstream).toBe('replay_store');
    expect(wialon.stats.requests).toBe(0);
  });

  it('upstream_unavailable when Okdesk refuses the api_token (401); the token is never shown', async () => {
    const auth = makeAuth({ okdesk: { baseUrl: OKDESK, apiToken: 'wrong-token-value-123' } });
    const authHash = wialon.mintAuthHash('Carol');
    const error = await refusal(auth.verify({ user: 'Carol', baseUrl: WIALON, authHash }), 'upstream_unavailable', [
      authHash,
      'wrong-token-value-123',
    ]);
    expect(error.upstream).toBe('okdesk');
    expect(error.upstreamStatus).toBe(401);
    expect(error.message).toMatch(/apiToken/);
    expect(log.text()).not.toContain('wrong-token-value-123');
    expect(wialon.activeSessions()).toEqual([]);
  });

  it('upstream_unavailable when Wialon redirects; the redirect target receives nothing', async () => {
    server.use(
      http.post(
        `${WIALON}/wialon/ajax.html`,
        () => new HttpResponse(null, { status: 302, headers: { location: 'https://evil.test/ajax' } }),
      ),
    );
    const authHash = wialon.mintAuthHash('Carol');
    await refusal(makeAuth().verify({ user: 'Carol', baseUrl: WIALON, authHash }), 'upstream_unavailable', [authHash]);
    expect(impostorCalls).toBe(0);
  });

  it('upstream_unavailable on non-JSON, HTML error pages and 5xx from Wialon', async () => {
    const auth = makeAuth();
    const answers = [
      () => new HttpResponse('<html>502</html>', { status: 502 }),
      () => new HttpResponse('not json', { status: 200 }),
      () => HttpResponse.json({ eid: '' }),
      () => HttpResponse.json({ eid: 'abc' }),
      () => HttpResponse.json({ error: 0 }),
      () => HttpResponse.json([1, 2]),
    ];
    for (const answer of answers) {
      server.use(http.post(`${WIALON}/wialon/ajax.html`, answer, { once: true }));
      const authHash = wialon.mintAuthHash('Carol');
      await refusal(auth.verify({ user: 'Carol', baseUrl: WIALON, authHash }), 'upstream_unavailable', [authHash]);
    }
  });

  it('a failing core/logout is logged, not fatal, and leaks no session id', async () => {
    const auth = makeAuth();
    server.use(
      http.post(`${WIALON}/wialon/ajax.html`, ({ request }) => {
        if (new URL(request.url).searchParams.get('svc') === 'core/logout') return HttpResponse.json({ error: 6 });
        return undefined;
      }),
    );
    const authHash = wialon.mintAuthHash('Carol');
    const result = await auth.verify({ user: 'Carol', baseUrl: WIALON, authHash });
    expect(result.contact.login).toBe('Carol');
    const warning = log.lines.find((l) => l.level === 'warn' && l.message.includes('closing the Wialon session'));
    expect(warning?.details?.detail).toMatch(/error 6/);
    expect(log.text()).not.toContain(wialon.openedSessions[0]);
    expect(log.text()).not.toContain(authHash);
  });
});
