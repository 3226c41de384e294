import { inspect } from 'node:util';
import { createWialonOkdeskAuth } from '@vendorkit/wialon-okdesk-auth';
import { createWialonMock } from '@vendorkit/wialon-okdesk-auth/mocks';
import fc from 'fast-check';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { link, OKDESK, recordingLogger, WIALON } from './helpers.js';

// Issue 15.3: the Okdesk api_token (and the auth hash, the Wialon session id) must not reach a
// message, a log line or a URL shown to anyone, in any encoding — including when Okdesk echoes
// the request URL back in what it answers (contact fields, the login link).

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** The forms a URL-borne secret takes when a server echoes it: raw, percent/form-encoded, base64, JSON. */
function forms(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret.toWellFormed());
  const base64 = btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
  return [
    secret,
    encodeURIComponent(secret.toWellFormed()),
    new URLSearchParams([['t', secret.toWellFormed()]]).toString().slice(2),
    base64,
    base64.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'),
    JSON.stringify(secret).slice(1, -1),
  ].filter((form) => form.length >= 6);
}

/** An Okdesk that echoes the request URL (with the api_token) back, in the given encoding. */
function echoingOkdesk(echo: (url: string) => string) {
  return [
    http.get(`${OKDESK}/api/v1/contacts/list`, ({ request }) => {
      const from = new URL(request.url).searchParams.get('page[from_id]');
      if (from !== null) return HttpResponse.json([]);
      return HttpResponse.json([
        { id: 2, login: 'someone', email: echo(request.url), comment: echo(request.url) },
        { id: 1, login: 'AliceNorris', email: echo(request.url), comment: echo(request.url) },
      ]);
    }),
    http.post(`${OKDESK}/api/v1/login_link`, ({ request }) =>
      HttpResponse.json({ url: `${OKDESK}/portal/login?echo=${encodeURIComponent(echo(request.url))}` }),
    ),
  ];
}

const tokenOf = (url: string) => new URL(url).searchParams.get('api_token') ?? '';
const encodings: Record<string, (url: string) => string> = {
  'the request URL': (url) => url,
  'the request URL, decoded': (url) => decodeURIComponent(url),
  'the request URL, JSON-escaped': (url) => JSON.stringify(decodeURIComponent(url)),
  'the token, base64': (url) => btoa(String.fromCharCode(...new TextEncoder().encode(tokenOf(url)))),
  'the token, base64url': (url) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(tokenOf(url))))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_'),
};

describe('secrets never reach messages, logs or redirect URLs, in any encoding', () => {
  it('property: an Okdesk that echoes the api_token (any Unicode) back gets it shown nowhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', minLength: 8, maxLength: 40 }).filter((s) => s.trim().length >= 8),
        fc.constantFrom(...Object.keys(encodings)),
        async (apiToken, encoding) => {
          const wialon = createWialonMock({ baseUrl: WIALON, users: ['AliceNorris'] });
          server.resetHandlers();
          server.use(...wialon.handlers, ...echoingOkdesk(encodings[encoding] as (url: string) => string));
          const log = recordingLogger();
          const auth = createWialonOkdeskAuth({
            trustedWialonBaseUrls: [WIALON],
            okdesk: { baseUrl: OKDESK, apiToken, loginLink: true },
            logger: log.logger,
          });
          const authHash = wialon.mintAuthHash('AliceNorris');
          const response = await auth.handle(new Request(link({ user: 'AliceNorris', baseUrl: WIALON, authHash })));
          const shown = [
            response.headers.get('location') ?? '',
            await response.text(),
            log.text(),
            inspect(log.lines, { depth: 10 }),
          ].join('\n');
          for (const form of [...forms(apiToken), ...forms(authHash), ...wialon.openedSessions]) {
            expect(shown).not.toContain(form);
          }
          // A login link that carries the token is not a place to send a browser.
          expect(response.status).toBe(502);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('a login link without the token is followed', async () => {
    const wialon = createWialonMock({ baseUrl: WIALON, users: ['AliceNorris'] });
    server.use(...wialon.handlers, ...echoingOkdesk(() => 'nothing-secret'));
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [WIALON],
      okdesk: { baseUrl: OKDESK, apiToken: 'okdesk-token-1234567', loginLink: true },
    });
    const response = await auth.handle(
      new Request(link({ user: 'AliceNorris', baseUrl: WIALON, authHash: wialon.mintAuthHash('AliceNorris') })),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${OKDESK}/portal/login?echo=nothing-secret`);
  });
});

describe('a malformed escape does not hide the token in a login link', () => {
  it('a stray "%" next to a percent-encoded base64 of the token: still refused', async () => {
    const apiToken = 'okdesk?token>>~~ü-12345'; // its base64 has a '+', percent-encoded in the link
    const base64 = btoa(String.fromCharCode(...new TextEncoder().encode(apiToken)));
    const wialon = createWialonMock({ baseUrl: WIALON, users: ['AliceNorris'] });
    server.use(
      ...wialon.handlers,
      http.post(`${OKDESK}/api/v1/login_link`, () =>
        HttpResponse.json({ url: `${OKDESK}/portal/login?x=%zz&t=${encodeURIComponent(base64)}` }),
      ),
      ...echoingOkdesk(() => 'unused'),
    );
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [WIALON],
      okdesk: { baseUrl: OKDESK, apiToken, loginLink: true },
    });
    const response = await auth.handle(
      new Request(link({ user: 'AliceNorris', baseUrl: WIALON, authHash: wialon.mintAuthHash('AliceNorris') })),
    );
    expect(response.status).toBe(502);
  });
});
