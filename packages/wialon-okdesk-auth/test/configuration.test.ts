import { createMemoryStore, isVendorkitError } from '@vendorkit/core';
import { createWialonOkdeskAuth, type WialonOkdeskAuthOptions } from '@vendorkit/wialon-okdesk-auth';
import { describe, expect, it } from 'vitest';
import { parseTrustedBaseUrls } from '../src/trusted-base-urls.js';
import { API_TOKEN, expectNoSecrets } from './helpers.js';

const valid: WialonOkdeskAuthOptions = {
  trustedWialonBaseUrls: ['https://hst-api.wialon.com'],
  okdesk: { baseUrl: 'https://acme.okdesk.ru', apiToken: API_TOKEN },
};

function configError(make: () => unknown): Error {
  try {
    make();
  } catch (error) {
    expect(isVendorkitError(error, 'invalid_configuration')).toBe(true);
    expectNoSecrets(error, [API_TOKEN]);
    return error as Error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('createWialonOkdeskAuth options', () => {
  it.each([
    [{ trustedWialonBaseUrls: [] }, /trustedWialonBaseUrls/],
    [{ trustedWialonBaseUrls: 'https://hst-api.wialon.com' }, /trustedWialonBaseUrls/],
    [{ trustedWialonBaseUrls: ['hst-api.wialon.com'] }, /trustedWialonBaseUrls\[0\]/],
    [
      { trustedWialonBaseUrls: ['https://hst-api.wialon.com', 'https://u:p@wialon.example'] },
      /trustedWialonBaseUrls\[1\]/,
    ],
    [{ trustedWialonBaseUrls: ['https://hst-api.wialon.com/?x=1'] }, /trustedWialonBaseUrls\[0\]/],
    [{ trustedWialonBaseUrls: ['https://hst-api.wialon.com/a/../b'] }, /trustedWialonBaseUrls\[0\]/],
    [{ trustedWialonBaseUrls: ['ftp://hst-api.wialon.com'] }, /trustedWialonBaseUrls\[0\]/],
    [{ okdesk: undefined }, /okdesk must be/],
    [{ okdesk: { baseUrl: 'https://acme.okdesk.ru', apiToken: '' } }, /okdesk\.apiToken/],
    [{ okdesk: { baseUrl: 'not a url', apiToken: API_TOKEN } }, /okdesk\.baseUrl/],
    [{ okdesk: { findContactByLogin: 'nope' } }, /findContactByLogin/],
    [{ timeoutMs: 0 }, /timeoutMs/],
    [{ timeoutMs: Number.NaN }, /timeoutMs/],
    [{ authHashLifetimeSeconds: -1 }, /authHashLifetimeSeconds/],
    [{ onSuccess: 'yes' }, /onSuccess/],
    [{ portalLoginLink: 42 }, /portalLoginLink/],
    [{ authHashLifetimeMs: 0 }, /authHashLifetimeMs/],
    [{ authHashLifetimeMs: 60_000, authHashLifetimeSeconds: 60 }, /authHashLifetimeMs only/],
    [{ logger: { warn: 'yes' } }, /logger/],
    [{ logger: 'console' }, /logger/],
    [{ hooks: { onRequest: 1 } }, /hooks/],
    [{ replayStore: { get() {} } }, /replayStore/],
    [{ fetch: 'fetch' }, /fetch/],
  ])('%j → ConfigurationError naming the option', (override, message) => {
    const error = configError(() =>
      createWialonOkdeskAuth({ ...valid, ...(override as object) } as WialonOkdeskAuthOptions),
    );
    expect(error.message).toMatch(message);
  });

  it('accepts valid options, custom stores and directories', () => {
    expect(() =>
      createWialonOkdeskAuth({
        ...valid,
        replayStore: createMemoryStore(),
        timeoutMs: 500,
        authHashLifetimeMs: 60_000,
        logger: { warn() {} },
        hooks: { onRequest() {} },
      }),
    ).not.toThrow();
    expect(() => createWialonOkdeskAuth({ ...valid, okdesk: { findContactByLogin: async () => null } })).not.toThrow();
  });

  it('normalises trusted entries to exact base URLs', () => {
    expect(
      parseTrustedBaseUrls([
        'HTTPS://HST-API.Wialon.COM/',
        'https://hst-api.wialon.eu:443',
        'http://127.0.0.1:8080/sandbox/',
      ]).map((t) => t.normalized),
    ).toEqual(['https://hst-api.wialon.com', 'https://hst-api.wialon.eu', 'http://127.0.0.1:8080/sandbox']);
  });
});
