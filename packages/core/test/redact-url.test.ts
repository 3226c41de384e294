import { describe, expect, it } from 'vitest';
import { ConfigurationError, parseHttpUrl, REDACTED, redactSecrets, redactUrl } from '../src/index.js';

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

describe('parseHttpUrl', () => {
  it('accepts http(s) URLs and refuses anything else with a typed error', () => {
    expect(parseHttpUrl('baseUrl', 'https://a.test/x').href).toBe('https://a.test/x');
    expect(() => parseHttpUrl('baseUrl', 'ftp://x')).toThrow(ConfigurationError);
    expect(() => parseHttpUrl('baseUrl', 'ftp://x')).toThrow(/http or https/);
    expect(() => parseHttpUrl('baseUrl', 'nope')).toThrow(/absolute/);
  });
});
