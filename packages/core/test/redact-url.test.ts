import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError, createHttp, parseHttpUrl, REDACTED, redactSecrets, redactUrl } from '../src/index.js';

describe('redaction', () => {
  it('redacts the named query parameters, case-insensitively, and keeps the rest', () => {
    const url = 'https://x.test/api/session?username=bob&Password=p%40ss&apikey=k1#frag';
    expect(redactUrl(url, ['password', 'apikey'])).toBe(
      `https://x.test/api/session?username=bob&Password=${REDACTED}&apikey=${REDACTED}#frag`,
    );
    expect(redactUrl(url, [])).toBe(url);
  });

  it('redacts secrets and their URL-encoded forms in free text, ignoring trivial ones', () => {
    const text = 'token s3cr@t sent as s3cr%40t or raw s3cr@t, a is a';
    expect(redactSecrets(text, ['s3cr@t', 'a', undefined])).toBe(
      `token ${REDACTED} sent as ${REDACTED} or raw ${REDACTED}, a is a`,
    );
  });
});

describe('createHttp', () => {
  let hits = 0;
  const server = setupServer(
    http.get('https://api.test/v1/busy', () => {
      hits += 1;
      return hits < 2
        ? new HttpResponse('slow down', { status: 429, headers: { 'Retry-After': '0' } })
        : HttpResponse.json({ ok: true });
    }),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('resolves paths under the base URL with or without a trailing slash and retries 429', async () => {
    const api = createHttp({ baseUrl: 'https://api.test/v1' });
    expect(await api.get('busy').json()).toEqual({ ok: true });
    expect(hits).toBe(2);
  });

  it('validates its options', () => {
    expect(() => createHttp({ baseUrl: 'https://a.test', timeoutMs: 0 })).toThrow(ConfigurationError);
    expect(() => createHttp({ baseUrl: 'https://a.test', retries: -1 })).toThrow(/retries/);
    expect(() => parseHttpUrl('baseUrl', 'ftp://x')).toThrow(/http or https/);
    expect(() => parseHttpUrl('baseUrl', 'nope')).toThrow(/absolute/);
  });
});
