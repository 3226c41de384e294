import { inspect } from 'node:util';
import { createWialonOkdeskAuth, isWialonAuthError, WIALON_AUTH_REASONS } from '@vendorkit/wialon-okdesk-auth';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLinkParams } from '../src/link-params.js';
import { parseOkdeskContactList } from '../src/okdesk-client.js';
import { matchTrustedBaseUrl, parseTrustedBaseUrls } from '../src/trusted-base-urls.js';
import { parseLogoutAnswer, parseUseAuthHashAnswer } from '../src/wialon-api.js';
import { recordingLogger } from './helpers.js';

const SECRET = 'S3CRET-9f8e7d6c';
const TRUSTED = parseTrustedBaseUrls(['https://hst-api.wialon.com', 'http://wialon.local:8022']);

function assertNoLeak(error: unknown, secrets: string[]) {
  const views = [
    String((error as Error).message),
    JSON.stringify(error),
    inspect(error, { depth: 5, showHidden: true }),
  ];
  for (const secret of secrets) for (const view of views) expect(view).not.toContain(secret);
}

// Strings near the trusted URL: the kind of thing an attacker would try.
const lookAlike = fc
  .tuple(
    fc.constantFrom(
      'https://',
      'http://',
      'HTTPS://',
      'https:/',
      'https:\\\\',
      '//',
      'https://user@',
      'https://hst-api.wialon.com@',
      '',
    ),
    fc.constantFrom(
      'hst-api.wialon.com',
      'HST-API.WIALON.COM',
      'hst-api.wiаlon.com',
      'hst-api.wialon.com.',
      'evil.test',
      'hst-api.wialon.co',
    ),
    fc.constantFrom('', ':443', ':8443', ':80', '.evil.test', '@evil.test', '%2eevil.test'),
    fc.constantFrom('', '/', '/..', '/./', '/x', '?a=b', '#f', '/%2e%2e/', '\\', ' ', '//evil.test'),
  )
  .map((parts) => parts.join(''));

const anyBaseUrl = fc.oneof(lookAlike, fc.string(), fc.webUrl({ withQueryParameters: true, withFragments: true }));

describe('property: trusted base URL matching', () => {
  it('a match always designates the same scheme, host and port as the trusted entry', () => {
    fc.assert(
      fc.property(anyBaseUrl, (candidate) => {
        const match = matchTrustedBaseUrl(candidate, TRUSTED);
        if (match === undefined) return;
        const parsed = new URL(candidate);
        const trusted = new URL(match.normalized);
        expect(parsed.protocol).toBe(trusted.protocol);
        expect(parsed.host).toBe(trusted.host);
        expect(parsed.username + parsed.password).toBe('');
        expect(candidate).not.toMatch(/[@\\\s]/);
      }),
      { numRuns: 5000 },
    );
  });

  it('verify() with any baseUrl never sends a request anywhere but a trusted ajax URL', async () => {
    const requested: string[] = [];
    const fetchSpy: typeof fetch = async (input) => {
      requested.push(input instanceof Request ? input.url : String(input));
      return new Response('{"error":1}', { headers: { 'content-type': 'application/json' } });
    };
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: ['https://hst-api.wialon.com'],
      okdesk: { findContactByLogin: async () => null },
      fetch: fetchSpy,
      logger: { warn() {}, info() {} },
    });
    await fc.assert(
      fc.asyncProperty(anyBaseUrl, fc.string({ minLength: 1, maxLength: 40 }), async (baseUrl, user) => {
        const error = await auth
          .verify({ user, baseUrl, authHash: `${SECRET}${Math.random()}` })
          .catch((e: unknown) => e);
        expect(isWialonAuthError(error)).toBe(true);
        for (const url of requested)
          expect(url.startsWith('https://hst-api.wialon.com/wialon/ajax.html?svc=')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('property: link parameter parsing', () => {
  const value = fc.oneof(
    fc.string(),
    fc.constant(undefined),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.integer(),
    fc.constant(null),
  );
  it('records: either the three strings exactly, or missing_parameter — never another error', () => {
    // Hashes checked for leaks carry a marker: a short random hash could be a substring of the
    // message's fixed wording ("ropert" in "property") without anything having leaked.
    const authHash = fc.oneof(
      value,
      fc.string().map((s) => `${SECRET}${s}`),
    );
    fc.assert(
      fc.property(fc.record({ user: value, baseUrl: value, authHash, lang: value }), (input) => {
        try {
          const parsed = parseLinkParams(input);
          expect(parsed).toEqual({ user: input.user, baseUrl: input.baseUrl, authHash: input.authHash });
        } catch (error) {
          expect(isWialonAuthError(error, 'missing_parameter')).toBe(true);
          if (typeof input.authHash === 'string' && input.authHash.startsWith(SECRET))
            assertNoLeak(error, [input.authHash]);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('strings and URLSearchParams: typed errors only, round-trips for well-formed links', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.webUrl({ withQueryParameters: true })),
        fc.string({ maxLength: 30 }),
        (text, hash) => {
          for (const input of [
            text,
            new URLSearchParams(text),
            `${text}&authHash=${encodeURIComponent(SECRET + hash)}`,
          ]) {
            try {
              parseLinkParams(input);
            } catch (error) {
              expect(isWialonAuthError(error, 'missing_parameter')).toBe(true);
              assertNoLeak(error, [SECRET]);
            }
          }
          const url = new URL('https://acme.okdesk.ru/wialonauth');
          url.searchParams.set('user', `u${hash}`);
          url.searchParams.set('baseUrl', 'https://hst-api.wialon.com');
          url.searchParams.set('authHash', `h${hash}`);
          const controlFree = ![...hash].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
          if (controlFree) expect(parseLinkParams(url.toString()).user).toBe(`u${hash}`);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

// Arbitrary JSON-ish answers with the secret planted somewhere inside.
const planted = fc
  .oneof(
    fc.jsonValue(),
    fc.record({
      eid: fc.oneof(fc.constant(SECRET), fc.string()),
      au: fc.option(fc.string()),
      user: fc.option(fc.record({ nm: fc.string(), id: fc.integer() })),
    }),
    fc.record({
      error: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.constantFrom(1003, 1011)),
      reason: fc.constant(SECRET),
    }),
    fc.array(
      fc.record({
        id: fc.oneof(fc.integer(), fc.string()),
        login: fc.oneof(fc.string(), fc.constant(SECRET), fc.constant(null)),
      }),
    ),
  )
  .map((value) =>
    JSON.stringify({ wrap: SECRET, value }).length % 2 === 0
      ? JSON.stringify(value)
      : JSON.stringify(value).slice(0, -1),
  );

describe('property: upstream answer parsers', () => {
  it('use_auth_hash: a session with an id and names, or a typed refusal without the planted secret', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.oneof(planted, fc.string()), (status, text) => {
        try {
          const session = parseUseAuthHashAnswer(status, text);
          expect(session.sessionId.length).toBeGreaterThan(0);
          expect(session.userName.length).toBeGreaterThan(0);
          expect(status >= 200 && status < 300).toBe(true);
        } catch (error) {
          expect(isWialonAuthError(error)).toBe(true);
          expect(['invalid_auth_hash', 'upstream_unavailable']).toContain((error as { reason: string }).reason);
          assertNoLeak(error, [SECRET]);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('contacts/list: contacts with string logins, or upstream_unavailable without the planted secret', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.oneof(planted, fc.string()), (status, text) => {
        try {
          const { contacts } = parseOkdeskContactList({ status, text });
          for (const contact of contacts) expect(typeof contact.login).toBe('string');
        } catch (error) {
          expect(isWialonAuthError(error, 'upstream_unavailable')).toBe(true);
          assertNoLeak(error, [SECRET]);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('logout: resolves only on {"error":0}; failures are plain secret-free errors', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.oneof(planted, fc.string()), (status, text) => {
        try {
          parseLogoutAnswer(status, text);
          expect(JSON.parse(text).error).toBe(0);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          assertNoLeak(error, [SECRET]);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('verify() against arbitrary Wialon answers: typed reasons only, no hash, token or session id in errors or logs', async () => {
    const log = recordingLogger();
    let answer = '';
    let status = 200;
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: ['https://hst-api.wialon.com'],
      okdesk: { findContactByLogin: async (login) => (login === 'Carol' ? { id: 1, login } : null) },
      fetch: async (input) => {
        const url = input instanceof Request ? input.url : String(input);
        return url.includes('core/logout') ? new Response('{"error":0}') : new Response(answer, { status });
      },
      logger: log.logger,
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 100, max: 599 }),
        planted,
        fc.constantFrom('Carol', 'carol', 'Mallory'),
        async (s, text, user) => {
          status = s;
          answer = text;
          const authHash = `${SECRET}-hash-${n++}`;
          try {
            const result = await auth.verify({ user, baseUrl: 'https://hst-api.wialon.com', authHash });
            expect(result.wialonUser.name).toBe('Carol');
          } catch (error) {
            expect(isWialonAuthError(error)).toBe(true);
            expect(WIALON_AUTH_REASONS).toContain((error as { reason: string }).reason);
            assertNoLeak(error, [SECRET]);
          }
        },
      ),
      { numRuns: 1500 },
    );
    expect(log.text()).not.toContain(SECRET);
  });
});
