/**
 * Errors a user can act on (issue 16.5): a refused connection used to be
 * `token_request_failed … fetch failed` without a `cause`. The system error's code
 * (ECONNREFUSED, ENOTFOUND, ETIMEDOUT, certificate errors) stays in `cause.code` and the
 * message, and no secret reaches either.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { isOfficeRnDError, OfficeRnDClient } from '@vendorkit/officernd-client';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection } from './helpers.js';

const SECRET = 'connection-test-client-secret';

function everything(error: unknown): string {
  return `${String(error)} ${JSON.stringify(error)} ${inspect(error, { depth: 20, showHidden: true })} ${(error as Error).stack}`;
}

/** A loopback port nothing listens on any more. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

const clientOn = (url: string, options: { fetch?: typeof fetch } = {}) =>
  new OfficeRnDClient({
    orgSlug: 'acme',
    clientId: 'id',
    clientSecret: SECRET,
    baseUrl: url,
    identityUrl: url,
    retries: 0,
    tokenFailureCooldownMs: 0,
    ...options,
  });

describe('a refused connection (real loopback port)', () => {
  it('to the token endpoint: token_request_failed with cause.code ECONNREFUSED', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const error = await rejection(clientOn(url).members.page());
    expect(isOfficeRnDError(error, 'token_request_failed')).toBe(true);
    expect((error as Error).message).toContain('ECONNREFUSED');
    // Where it tried to connect is in the message (the URL, secrets redacted); cause keeps the code.
    expect((error as Error).message).toContain(`127.0.0.1:${port}/oauth/token`);
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(error).not.toHaveProperty('status');
    expect(everything(error)).not.toContain(SECRET);
  });

  it('to the API after a token: network_error with cause.code ECONNREFUSED', async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'the-access-token', expires_in: 3599 }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const identity = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new OfficeRnDClient({
      orgSlug: 'acme',
      clientId: 'id',
      clientSecret: SECRET,
      identityUrl: identity,
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      retries: 0,
    });
    const error = await rejection(client.members.page());
    expect(isOfficeRnDError(error, 'network_error')).toBe(true);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(everything(error)).not.toContain('the-access-token');
    expect(everything(error)).not.toContain(SECRET);
  });
});

/** A fetch that fails as undici does: `TypeError: fetch failed` with the system error as cause. */
const failingFetch =
  (cause: unknown): typeof fetch =>
  async () => {
    throw new TypeError('fetch failed', { cause });
  };
const systemError = (code: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code, ...extra });

describe('system error codes are kept in cause and message', () => {
  it.each([
    [
      'ENOTFOUND',
      systemError('ENOTFOUND', 'getaddrinfo ENOTFOUND identity.example', {
        syscall: 'getaddrinfo',
        hostname: 'identity.example',
      }),
    ],
    ['ETIMEDOUT', systemError('ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:443', { syscall: 'connect' })],
    ['UND_ERR_CONNECT_TIMEOUT', systemError('UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error')],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', systemError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate')],
    ['CERT_HAS_EXPIRED', systemError('CERT_HAS_EXPIRED', 'certificate has expired')],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      systemError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"),
    ],
    [
      'ECONNREFUSED',
      new AggregateError(
        [
          systemError('ECONNREFUSED', 'connect ECONNREFUSED ::1:443'),
          systemError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:443'),
        ],
        'all attempts failed',
      ),
    ],
  ])('%s', async (code, cause) => {
    const error = await rejection(clientOn('https://officernd.example', { fetch: failingFetch(cause) }).members.page());
    expect(isOfficeRnDError(error, 'token_request_failed')).toBe(true);
    expect((error as Error).message).toContain(code);
    expect((error as Error).cause).toMatchObject({ code });
  });

  it('a system error message that holds the secret is redacted in cause too', async () => {
    const cause = systemError('ECONNRESET', `socket hang up after client_secret=${SECRET}`);
    const error = await rejection(clientOn('https://officernd.example', { fetch: failingFetch(cause) }).members.page());
    expect((error as Error).cause).toMatchObject({ code: 'ECONNRESET' });
    expect(everything(error)).not.toContain(SECRET);
  });
});
