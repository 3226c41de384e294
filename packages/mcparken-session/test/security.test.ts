import { inspect } from 'node:util';
import { ConfigurationError, createMemoryStore, isVendorkitError } from '@vendorkit/core';
import { createMcParkenMock } from '@vendorkit/mcparken-session/mocks';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isMcParkenError, McParkenSession, type McParkenSessionOptions } from '../src/index.js';
import { caught, leakedSecrets } from './helpers.js';

// Secrets with characters that change under URL encoding, so encoded leaks are caught too.
const SECRETS = { apiKey: 'AK+secret/Key=42 x', username: 'sec.user@example.com', password: 'hunter2 & p@ss=?#word' };
const users = [{ username: SECRETS.username, password: SECRETS.password, userId: '9' }];
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.unstubAllGlobals();
});
afterAll(() => server.close());

const secretList = [SECRETS.apiKey, SECRETS.password];

function setup(
  options: Partial<McParkenSessionOptions> = {},
  mockOptions: Parameters<typeof createMcParkenMock>[0] = {},
) {
  const mock = createMcParkenMock({ apiKeys: [SECRETS.apiKey], users, ...mockOptions });
  server.use(...mock.handlers);
  return { mock, session: new McParkenSession({ ...SECRETS, ...options }) };
}

describe('no secret in any error rendering (message, stack, cause chain, JSON, util.inspect)', () => {
  it('the leak detector itself finds plain, URL-encoded and nested-cause leaks', () => {
    const nested = new Error('outer', { cause: new Error(`inner ${encodeURIComponent(SECRETS.password)}`) });
    expect(leakedSecrets(nested, [SECRETS.password])).toEqual([SECRETS.password]);
    const property = Object.assign(new Error('x'), { detail: { deep: SECRETS.apiKey } });
    expect(leakedSecrets(property, [SECRETS.apiKey])).toEqual([SECRETS.apiKey]);
  });

  const sessionCases: Array<[string, Partial<McParkenSessionOptions>]> = [
    ['401.1', { apiKey: 'an-unknown-key-value' }],
    ['401.2', { password: 'another wrong p@ss=word' }],
  ];
  for (const [code, options] of sessionCases) {
    it(`session error ${code}`, async () => {
      const { session } = setup(options);
      const error = await caught(session.getAccessToken());
      expect(isMcParkenError(error, code)).toBe(true);
      const used = { ...SECRETS, ...options };
      expect(leakedSecrets(error, [used.apiKey, used.password, SECRETS.password, SECRETS.apiKey])).toEqual([]);
    });
  }

  it('403.0 and 405.0', async () => {
    setup();
    const stripping = new McParkenSession({
      ...SECRETS,
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.delete('apikey');
        return fetch(input, { ...init, headers });
      },
    });
    const e403 = await caught(stripping.getAccessToken());
    expect(isMcParkenError(e403, '403.0')).toBe(true);
    expect(leakedSecrets(e403, secretList)).toEqual([]);
    const blanking = new McParkenSession({
      ...SECRETS,
      fetch: (input, init) => {
        const url = new URL(String(input));
        url.searchParams.set('username', '');
        return fetch(url, init);
      },
    });
    const e405 = await caught(blanking.getAccessToken());
    expect(isMcParkenError(e405, '405.0')).toBe(true);
    expect(leakedSecrets(e405, secretList)).toEqual([]);
  });

  it('a vendor message that echoes the password and apikey is redacted', async () => {
    server.use(
      http.get('https://mcparken.se/api/session/getsession', ({ request }) => {
        const url = new URL(request.url);
        return HttpResponse.json(
          {
            errormessage: `Wrong password ${url.searchParams.get('password')} for key ${request.headers.get('apikey')} (${encodeURIComponent(url.searchParams.get('password') ?? '')})`,
            errorcode: '401.2',
          },
          { status: 401 },
        );
      }),
    );
    const session = new McParkenSession(SECRETS);
    const error = await caught(session.getAccessToken());
    expect(isMcParkenError(error, '401.2')).toBe(true);
    expect((error as { vendorMessage?: string }).vendorMessage).toContain('[REDACTED]');
    expect(leakedSecrets(error, secretList)).toEqual([]);
  });

  it('http errors keep neither the apikey nor the access token (no ky HTTPError anywhere)', async () => {
    const { session } = setup();
    server.use(http.get('https://mcparken.se/api/parking/broken', () => new HttpResponse('boom', { status: 500 })));
    const token = await session.getAccessToken();
    const error = await caught(session.http.get('parking/broken', { retry: false }));
    expect(isMcParkenError(error, 'http_error')).toBe(true);
    expect(everyName(error)).not.toContain('HTTPError');
    expect(leakedSecrets(error, [...secretList, token])).toEqual([]);
  });

  it('the expired-after-renewal error keeps neither token', async () => {
    const { session, mock } = setup();
    const first = await session.getAccessToken();
    mock.refuseAllTokens(true);
    const error = await caught(session.http.get('parking/zones').json());
    expect(isMcParkenError(error, '401')).toBe(true);
    expect(leakedSecrets(error, [...secretList, first, ...mock.activeTokens()])).toEqual([]);
  });

  it('a network failure keeps no cause (undici errors can hold sockets and URLs)', async () => {
    const session = new McParkenSession({ ...SECRETS, baseUrl: 'http://127.0.0.1:9/api', retries: 0 });
    server.use(http.get('http://127.0.0.1:9/api/session/getsession', () => HttpResponse.error()));
    const error = await caught(session.getAccessToken());
    expect(isMcParkenError(error, 'network_error')).toBe(true);
    expect((error as Error).cause).toBeUndefined();
    expect(leakedSecrets(error, secretList)).toEqual([]);
  });

  it('util.inspect and JSON.stringify of the session itself show no credentials', async () => {
    const { session } = setup();
    const token = await session.getAccessToken();
    const text = `${inspect(session, { depth: 5, showHidden: true })}\n${JSON.stringify(session)}`;
    for (const secret of [...secretList, SECRETS.username, token]) expect(text).not.toContain(secret);
  });

  it('the store key reveals neither username nor password; the store holds no password or apikey', async () => {
    const store = createMemoryStore();
    const spy = vi.spyOn(store, 'set');
    const { session } = setup({ store });
    await session.getAccessToken();
    expect(spy).toHaveBeenCalled();
    for (const [key, value] of spy.mock.calls.map((c) => [c[0], c[1]])) {
      for (const secret of [SECRETS.username, SECRETS.password, encodeURIComponent(SECRETS.username)])
        expect(key).not.toContain(secret);
      for (const secret of secretList) expect(value).not.toContain(secret);
    }
  });
});

describe('options validation', () => {
  const bad: Array<[string, Record<string, unknown>]> = [
    ['apiKey', { apiKey: '' }],
    ['apiKey', { apiKey: 42 }],
    ['apiKey', { apiKey: 'key\nwith-newline' }],
    ['username', { username: '  ' }],
    ['password', { password: undefined }],
    ['baseUrl', { baseUrl: 'not a url' }],
    ['baseUrl', { baseUrl: 'ftp://mcparken.se/api' }],
    ['baseUrl', { baseUrl: `https://u:${SECRETS.password}@mcparken.se/api` }],
    ['baseUrl', { baseUrl: `https://mcparken.se/api?password=${SECRETS.password}` }],
    ['refreshMarginSeconds', { refreshMarginSeconds: -1 }],
    ['refreshMarginSeconds', { refreshMarginSeconds: Number.NaN }],
    ['timeoutMs', { timeoutMs: 0 }],
    ['retries', { retries: 1.5 }],
    ['refusedLoginCooldownMs', { refusedLoginCooldownMs: -1 }],
    ['refusedLoginCooldownMs', { refusedLoginCooldownMs: Number.POSITIVE_INFINITY }],
    ['apiKey', { apiKey: 'key-beyond-latin1-\u0100' }],
    ['password', { password: 'cut-in-half-\ud83d' }],
    ['username', { username: '\udc00-lone-low-surrogate' }],
    ['fetch', { fetch: 'fetch' }],
    ['store', { store: { get() {} } }],
  ];
  for (const [name, override] of bad) {
    it(`${name} = ${inspect(override[name]).replace(SECRETS.password, '***')} → ConfigurationError naming ${name}, no secret echoed`, () => {
      let error: unknown;
      try {
        new McParkenSession({ ...SECRETS, ...override } as McParkenSessionOptions);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(isVendorkitError(error, 'invalid_configuration')).toBe(true);
      expect((error as Error).message).toContain(`\`${name}\``);
      expect(leakedSecrets(error, [...secretList, 'key\nwith-newline'])).toEqual([]);
    });
  }

  it('no options at all → ConfigurationError', () => {
    expect(() => new McParkenSession(undefined as unknown as McParkenSessionOptions)).toThrow(ConfigurationError);
  });
});

describe('browser guard', () => {
  it('refuses to construct on a web page, without naming any secret', () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('document', {});
    let error: unknown;
    try {
      new McParkenSession(SECRETS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/web page/);
    expect((error as Error).message).toContain('dangerouslyAllowBrowser');
    expect(leakedSecrets(error, [...secretList, SECRETS.username])).toEqual([]);
  });

  it('refuses even when the options are invalid (the guard comes first)', () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('document', {});
    expect(() => new McParkenSession({} as McParkenSessionOptions)).toThrow(/web page/);
  });

  it('works on a web page only with dangerouslyAllowBrowser: true', async () => {
    vi.stubGlobal('window', {});
    vi.stubGlobal('document', {});
    const mock = createMcParkenMock({ apiKeys: [SECRETS.apiKey], users });
    server.use(...mock.handlers);
    const session = new McParkenSession({ ...SECRETS, dangerouslyAllowBrowser: true });
    await session.getAccessToken();
    expect(mock.stats.tokensIssued).toBe(1);
  });

  it('a worker-like scope (window without document) is not a web page', () => {
    vi.stubGlobal('window', {});
    expect(() => new McParkenSession(SECRETS)).not.toThrow();
  });
});

function everyName(error: unknown): string {
  const names: string[] = [];
  let current: unknown = error;
  while (current instanceof Error) {
    names.push(current.name, current.constructor.name);
    current = current.cause;
  }
  return names.join(' ');
}
