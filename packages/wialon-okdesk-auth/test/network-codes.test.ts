import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOkdeskClient, createWialonOkdeskAuth, isWialonAuthError } from '@vendorkit/wialon-okdesk-auth';
import { describe, expect, it } from 'vitest';
import { API_TOKEN, expectNoSecrets, recordingLogger, rejectionOf } from './helpers.js';

// Issue 16.5: a refused connection must keep the system error's code (ECONNREFUSED, ENOTFOUND,
// ETIMEDOUT, certificate errors) in the message and `cause`, not a bare "TypeError".

/** A loopback port nothing listens on: bound, then closed again. */
async function refusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const HASH = 'c0ffee'.repeat(6);

function systemCode(error: unknown): unknown {
  return (error as { cause?: { code?: unknown } }).cause?.code;
}

describe('network errors keep the system error code', () => {
  it('Wialon on a refused loopback port: ECONNREFUSED in message and cause, no TypeError', async () => {
    const base = `http://127.0.0.1:${await refusedPort()}`;
    const log = recordingLogger();
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [base],
      okdesk: { findContactByLogin: async (login) => ({ id: 1, login }) },
      logger: log.logger,
    });
    const error = await rejectionOf(auth.verify({ user: 'AliceNorris', baseUrl: base, authHash: HASH }));
    expect(isWialonAuthError(error, 'upstream_unavailable')).toBe(true);
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    expect((error as Error).message).toMatch(/connection refused/);
    expect((error as Error).message).not.toMatch(/TypeError/);
    expect(systemCode(error)).toBe('ECONNREFUSED');
    expect(log.lines.at(-1)?.details?.message).toMatch(/ECONNREFUSED/);
    expectNoSecrets(error, [HASH]);
  });

  it('Okdesk on a refused loopback port: ECONNREFUSED, and the api_token appears nowhere', async () => {
    const client = createOkdeskClient({ baseUrl: `http://127.0.0.1:${await refusedPort()}`, apiToken: API_TOKEN });
    const error = await rejectionOf(client.findContactByLogin('AliceNorris'));
    expect(isWialonAuthError(error, 'upstream_unavailable')).toBe(true);
    expect((error as Error).message).toMatch(/^Okdesk is unavailable: connection refused: .*\(ECONNREFUSED\)\.$/);
    expect(systemCode(error)).toBe('ECONNREFUSED');
    expectNoSecrets(error, [API_TOKEN]);
  });

  const failingFetch = (cause: unknown) => async () => {
    throw new TypeError('fetch failed', { cause });
  };

  it.each([
    [{ code: 'ENOTFOUND', hostname: 'hst-api.wialon.invalid' }, 'ENOTFOUND', /host name not found/],
    [{ code: 'ETIMEDOUT' }, 'ETIMEDOUT', /connection timed out/],
    [{ code: 'UND_ERR_CONNECT_TIMEOUT' }, 'UND_ERR_CONNECT_TIMEOUT', /connection timed out/],
    [{ code: 'CERT_HAS_EXPIRED' }, 'CERT_HAS_EXPIRED', /TLS certificate/],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'DEPTH_ZERO_SELF_SIGNED_CERT', /TLS certificate/],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'ERR_TLS_CERT_ALTNAME_INVALID', /TLS certificate/],
    // Node reports a refused dual-stack connect as an AggregateError carrying the code.
    [Object.assign(new AggregateError([new Error('x')], ''), { code: 'ECONNREFUSED' }), 'ECONNREFUSED', /refused/],
  ])('the code of %j is kept', async (cause, code, wording) => {
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: ['https://hst-api.wialon.com'],
      okdesk: { findContactByLogin: async (login) => ({ id: 1, login }) },
      fetch: failingFetch(cause),
    });
    const error = await rejectionOf(
      auth.verify({ user: 'AliceNorris', baseUrl: 'https://hst-api.wialon.com', authHash: HASH }),
    );
    expect((error as Error).message).toContain(`(${code})`);
    expect((error as Error).message).toMatch(wording);
    expect(systemCode(error)).toBe(code);
  });

  it('no code, or a code that is not a plain identifier: the error name only, never its text', async () => {
    for (const cause of [undefined, { code: 'not a code https://x/?api_token=leak' }]) {
      const auth = createWialonOkdeskAuth({
        trustedWialonBaseUrls: ['https://hst-api.wialon.com'],
        okdesk: { findContactByLogin: async (login) => ({ id: 1, login }) },
        fetch: failingFetch(cause),
      });
      const error = await rejectionOf(
        auth.verify({ user: 'AliceNorris', baseUrl: 'https://hst-api.wialon.com', authHash: HASH }),
      );
      expect((error as Error).message).toBe('Wialon is unavailable: network error (TypeError).');
      expect((error as { cause?: unknown }).cause).toBeUndefined();
      expectNoSecrets(error, ['leak', 'fetch failed']);
    }
  });
});
