import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkReason } from '@vendorkit/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isMcParkenError, McParkenSession } from '../src/index.js';
import { caught, leakedSecrets } from './helpers.js';

// A real loopback server: the faults below happen on actual sockets, not in a mock.
const SECRETS = { apiKey: 'ak-Net-5ecret-value', username: 'net.user@example.com', password: 'p@ss w0rd&=?net' };
type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;
let behaviour: { session: Behaviour; zones: Behaviour };
let hits: { session: number; zones: number };
let server: Server;
let baseUrl: string;
const openResponses = new Set<ServerResponse>();

const validSession: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      access_token: `tok-${hits.session}`,
      expires_in: '1640557975',
      token_type: 'bearer',
      userid: '72',
      issued: '2021-12-26 23:31:55 +01:00',
      expires: '2021-12-26 23:32:55 +01:00',
    }),
  );
};
const okZones: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('[{"zoneId":1}]');
};
const stall: Behaviour = (_req, res) => {
  openResponses.add(res);
};
const stallBody: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"access_token":"partial');
  openResponses.add(res);
};
const reset: Behaviour = (req) => {
  req.socket.destroy();
};
const status503: Behaviour = (_req, res) => {
  res.writeHead(503, { 'retry-after': '0', 'content-type': 'text/plain' });
  res.end('busy');
};
const malformed: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"access_token": "abc", "expires_in": ');
};

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/api/session/getsession')) {
      hits.session += 1;
      behaviour.session(req, res);
    } else {
      hits.zones += 1;
      behaviour.zones(req, res);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
beforeEach(() => {
  for (const res of openResponses) res.destroy();
  openResponses.clear();
  behaviour = { session: validSession, zones: okZones };
  hits = { session: 0, zones: 0 };
});
afterAll(async () => {
  for (const res of openResponses) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const session = (extra: { timeoutMs?: number; retries?: number } = {}) =>
  new McParkenSession({ ...SECRETS, baseUrl, ...extra });
const secretList = [SECRETS.apiKey, SECRETS.password];

async function expectTyped(promise: Promise<unknown>, code: string) {
  const error = await caught(promise);
  expect(isMcParkenError(error, code), String(error)).toBe(true);
  expect(leakedSecrets(error, secretList)).toEqual([]);
  expect((error as Error).cause).toBeUndefined();
  return error as Error & { status?: number; url?: string; reason?: string };
}

describe('session call against a faulty server', () => {
  it('a server that never answers → timeout after the configured retries, each within timeoutMs', async () => {
    behaviour.session = stall;
    const started = performance.now();
    const error = await expectTyped(session({ timeoutMs: 200, retries: 2 }).getAccessToken(), 'timeout');
    // 3 attempts of 200 ms and two jittered waits of at most 300 and 600 ms.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error.url).toBe(`${baseUrl}/session/getsession?username=[REDACTED]&password=[REDACTED]`);
    expect(hits.session).toBe(3);
  });

  it('headers sent, body stalls → timeout (the deadline covers the body)', async () => {
    behaviour.session = stallBody;
    await expectTyped(session({ timeoutMs: 200 }).getAccessToken(), 'timeout');
  });

  it('connection reset → network_error after the configured retries', async () => {
    behaviour.session = reset;
    const error = await expectTyped(session({ retries: 2 }).getAccessToken(), 'network_error');
    expect(hits.session).toBe(3);
    expect(error.reason).toMatch(/^[A-Z_]+$|^[A-Za-z]+$/);
  });

  it('a 503 burst shorter than the retries is ridden out', async () => {
    let n = 0;
    behaviour.session = (req, res) => (++n <= 2 ? status503(req, res) : validSession(req, res));
    expect(await session({ retries: 2 }).getAccessToken()).toBe('tok-3');
  });

  it('a 503 burst longer than the retries → http_error with status 503', async () => {
    behaviour.session = status503;
    const error = await expectTyped(session({ retries: 1 }).getAccessToken(), 'http_error');
    expect(error.status).toBe(503);
    expect(hits.session).toBe(2);
  });

  it('malformed JSON → invalid_response', async () => {
    behaviour.session = malformed;
    await expectTyped(session().getAccessToken(), 'invalid_response');
  });

  it('a JSON body of the wrong shape → invalid_response naming the field', async () => {
    behaviour.session = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"token":"x"}');
    };
    const error = await expectTyped(session().getAccessToken(), 'invalid_response');
    expect(error.message).toContain('access_token');
  });
});

describe('http calls against a faulty server', () => {
  it('never answers → timeout', async () => {
    behaviour.zones = stall;
    const error = await expectTyped(session({ timeoutMs: 200 }).http.get('parking/zones').json(), 'timeout');
    expect(error.url).toBe(`${baseUrl}/parking/zones`);
  });

  it('reset → network_error after retries', async () => {
    behaviour.zones = reset;
    await expectTyped(session({ retries: 2 }).http.get('parking/zones').json(), 'network_error');
    expect(hits.zones).toBe(3);
    expect(hits.session).toBe(1);
  });

  it('503 burst is retried and then succeeds; a longer one → http_error 503', async () => {
    let n = 0;
    behaviour.zones = (req, res) => (++n <= 2 ? status503(req, res) : okZones(req, res));
    expect(await session({ retries: 2 }).http.get('parking/zones').json()).toEqual([{ zoneId: 1 }]);
    behaviour.zones = status503;
    hits.zones = 0;
    const error = await expectTyped(session({ retries: 2 }).http.get('parking/zones').json(), 'http_error');
    expect(error.status).toBe(503);
    expect(hits.zones).toBe(3);
  });

  it('a session failure surfaces from http as the session error, without retry storms', async () => {
    behaviour.session = reset;
    await expectTyped(session({ retries: 1 }).http.get('parking/zones').json(), 'network_error');
    expect(hits.session).toBe(2);
    expect(hits.zones).toBe(0);
  });
});

describe('a failed connection names its system error (issue 16 item 5)', () => {
  async function refusedPort(): Promise<number> {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    return port;
  }

  it('a closed loopback port: reason ECONNREFUSED, for the login and for session.http', async () => {
    const closed = `http://127.0.0.1:${await refusedPort()}/api`;
    const s = new McParkenSession({ ...SECRETS, baseUrl: closed, retries: 0 });
    const login = await expectTyped(s.getAccessToken(), 'network_error');
    expect(login.reason).toBe('ECONNREFUSED');
    expect(login.message).toContain('(ECONNREFUSED)');
    const call = await expectTyped(s.http.get('parking/zones'), 'network_error');
    expect(call.reason).toBe('ECONNREFUSED');
  });

  it('a port fetch itself refuses (9): reason "bad port", not TypeError', async () => {
    const s = new McParkenSession({ ...SECRETS, baseUrl: 'http://127.0.0.1:9/api', retries: 0 });
    const error = await expectTyped(s.getAccessToken(), 'network_error');
    expect(error.reason).toBe('bad port');
  });

  it('a name that does not resolve: a DNS code (ENOTFOUND or EAI_AGAIN), not TypeError', async () => {
    const s = new McParkenSession({ ...SECRETS, baseUrl: 'http://mcparken.invalid/api', retries: 0 });
    const error = await expectTyped(s.getAccessToken(), 'network_error');
    expect(error.reason).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
  });

  it('codes inside an AggregateError (both addresses of localhost refused) and TLS codes are found', () => {
    const refusedTwice = new TypeError('fetch failed', {
      cause: new AggregateError([Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })], ''),
    });
    expect(networkReason(refusedTwice)).toBe('ECONNREFUSED');
    const tls = new TypeError('fetch failed', {
      cause: Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }),
    });
    expect(networkReason(tls)).toBe('CERT_HAS_EXPIRED');
    const timedOut = new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) });
    expect(networkReason(timedOut)).toBe('ETIMEDOUT');
  });
});
