import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWialonOkdeskAuth, isWialonAuthError } from '@vendorkit/wialon-okdesk-auth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_TOKEN, expectNoSecrets, recordingLogger, rejectionOf } from './helpers.js';

// A loopback server whose behaviour each test chooses: stall, reset, 5xx, malformed JSON.
type Behaviour = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let behaviour: Behaviour;
let server: Server;
let base: string;
const bodies: string[] = [];
const open = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      bodies.push(body);
      behaviour(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  bodies.length = 0;
});

const HASH = 'c0ffee'.repeat(6);
const SESSION = 'sess-5ecret-0123456789';

function makeAuth(timeoutMs: number, okdesk?: { baseUrl: string; apiToken: string }) {
  const log = recordingLogger();
  const auth = createWialonOkdeskAuth({
    trustedWialonBaseUrls: [base],
    okdesk: okdesk ?? { findContactByLogin: async (login) => ({ id: 1, login }) },
    timeoutMs,
    logger: log.logger,
  });
  return { auth, log };
}

async function expectUpstream(promise: Promise<unknown>, log: ReturnType<typeof recordingLogger>) {
  const error = await rejectionOf(promise);
  expect(isWialonAuthError(error, 'upstream_unavailable')).toBe(true);
  expectNoSecrets(error, [HASH, SESSION, API_TOKEN]);
  for (const secret of [HASH, SESSION, API_TOKEN]) expect(log.text()).not.toContain(secret);
  return error;
}

const wialonOk = (res: ServerResponse) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ eid: SESSION, au: 'Carol', user: { nm: 'Carol', id: 5 } }));
};

describe('Wialon network faults', () => {
  it('a server that never answers → upstream_unavailable within timeoutMs', async () => {
    behaviour = () => {};
    const { auth, log } = makeAuth(300);
    const started = performance.now();
    await expectUpstream(auth.verify({ user: 'Carol', baseUrl: base, authHash: HASH }), log);
    expect(performance.now() - started).toBeLessThan(300 + 1500);
  });

  it('an answer larger than 1 MiB → upstream_unavailable, without buffering the rest', async () => {
    behaviour = (_req, res) => {
      // A valid answer but for its size (4 MiB of padding), so size is the only reason to refuse it.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"pad":"');
      for (let i = 0; i < 64 && !res.destroyed; i += 1) res.write('x'.repeat(64 * 1024));
      res.end(`","eid":"${SESSION}","au":"Carol","user":{"nm":"Carol","id":5}}`);
    };
    const { auth, log } = makeAuth(5_000);
    await expectUpstream(auth.verify({ user: 'Carol', baseUrl: base, authHash: HASH }), log);
  });

  it('headers then a stalled body → upstream_unavailable within timeoutMs', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"eid":"');
    };
    const { auth, log } = makeAuth(300);
    const started = performance.now();
    await expectUpstream(auth.verify({ user: 'Carol', baseUrl: base, authHash: HASH }), log);
    expect(performance.now() - started).toBeLessThan(300 + 1500);
  });

  it('a connection reset → upstream_unavailable', async () => {
    behaviour = (req) => req.socket.destroy();
    const { auth, log } = makeAuth(2000);
    await expectUpstream(auth.verify({ user: 'Carol', baseUrl: base, authHash: HASH }), log);
  });

  it('a burst of 5xx and malformed JSON → upstream_unavailable each time, no retry of the POST', async () => {
    const answers: Array<(res: ServerResponse) => void> = [
      (res) => res.writeHead(503, { 'retry-after': '0' }).end('busy'),
      (res) => res.writeHead(500).end('{"error"'),
      (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"eid": tru'),
      (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>'),
    ];
    const { auth, log } = makeAuth(2000);
    for (const [index, answer] of answers.entries()) {
      behaviour = (_req, res) => answer(res);
      bodies.length = 0;
      await expectUpstream(auth.verify({ user: 'Carol', baseUrl: base, authHash: `${HASH}${index}` }), log);
      expect(bodies).toHaveLength(1);
    }
  });

  it('the hash goes in the POST body as params={"authHash":…}; svc in the query', async () => {
    const seen: Array<{ url: string | undefined; method: string | undefined; type: string | undefined; body: string }> =
      [];
    behaviour = (req, res, body) => {
      seen.push({ url: req.url, method: req.method, type: req.headers['content-type'], body });
      if (req.url?.includes('core/logout')) res.end('{"error":0}');
      else wialonOk(res);
    };
    const { auth } = makeAuth(2000);
    await auth.verify({ user: 'Carol', baseUrl: base, authHash: HASH });
    expect(seen[0]).toEqual({
      url: '/wialon/ajax.html?svc=core/use_auth_hash',
      method: 'POST',
      type: 'application/x-www-form-urlencoded',
      body: new URLSearchParams({ params: JSON.stringify({ authHash: HASH }) }).toString(),
    });
    expect(seen[1]?.url).toBe('/wialon/ajax.html?svc=core/logout');
    expect(new URLSearchParams(seen[1]?.body).get('sid')).toBe(SESSION);
  });

  it('a stalling core/logout delays the answer by at most timeoutMs and is only logged', async () => {
    behaviour = (req, res) => {
      if (req.url?.includes('core/logout')) return; // stall
      wialonOk(res);
    };
    const { auth, log } = makeAuth(300);
    const result = await auth.verify({ user: 'Carol', baseUrl: base, authHash: HASH });
    expect(result.wialonUser.name).toBe('Carol');
    expect(log.lines.some((l) => l.message.includes('closing the Wialon session'))).toBe(true);
    expect(log.text()).not.toContain(SESSION);
  });
});

describe('Okdesk network faults', () => {
  it('Okdesk stalling or answering garbage → upstream_unavailable, api_token never shown', async () => {
    const okdeskAnswers: Array<(res: ServerResponse) => void> = [
      () => {},
      (res) => res.writeHead(502).end('<html>bad gateway</html>'),
      (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[{"id":1,"login":'),
      (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"not":"a list"}'),
    ];
    for (const [index, okdeskAnswer] of okdeskAnswers.entries()) {
      behaviour = (req, res) => {
        if (req.url?.startsWith('/wialon/')) {
          if (req.url.includes('core/logout')) res.end('{"error":0}');
          else wialonOk(res);
        } else if (req.url?.startsWith('/okdesk/api/v1/contacts/?')) {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":{"contact":["not found"]}}');
        } else okdeskAnswer(res);
      };
      const { auth, log } = makeAuth(300, { baseUrl: `${base}/okdesk`, apiToken: API_TOKEN });
      const error = await expectUpstream(
        auth.verify({ user: 'Carol', baseUrl: base, authHash: `${HASH}-${index}` }),
        log,
      );
      expect((error as { upstream?: string }).upstream).toBe('okdesk');
    }
  });
});

describe('redirects and hanging dependencies', () => {
  it('a redirecting Wialon → upstream_unavailable; the redirect target is never requested', async () => {
    const paths: string[] = [];
    behaviour = (req, res) => {
      paths.push(req.url ?? '');
      if (req.url?.startsWith('/vouch')) return wialonOk(res);
      res.writeHead(307, { location: `${base}/vouch` }).end();
    };
    const { auth, log } = makeAuth(2000);
    await expectUpstream(auth.verify({ user: 'Carol', baseUrl: base, authHash: HASH }), log);
    expect(paths).toEqual(['/wialon/ajax.html?svc=core/use_auth_hash']);
  });

  it('a custom directory or replay store that never settles → upstream_unavailable within timeoutMs', async () => {
    behaviour = (req, res) => (req.url?.includes('core/logout') ? res.end('{"error":0}') : wialonOk(res));
    const hanging = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [base],
      okdesk: { findContactByLogin: () => new Promise(() => {}) },
      timeoutMs: 300,
      logger: { warn() {}, info() {} },
    });
    const started = performance.now();
    const error = await rejectionOf(hanging.verify({ user: 'Carol', baseUrl: base, authHash: HASH }));
    expect(isWialonAuthError(error, 'upstream_unavailable')).toBe(true);
    const never = () => new Promise<never>(() => {});
    const stuckStore = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [base],
      okdesk: { findContactByLogin: async (login) => ({ id: 1, login }) },
      replayStore: { get: never, set: never, delete: never, deleteIfEquals: never, setIfAbsent: never },
      timeoutMs: 300,
      logger: { warn() {}, info() {} },
    });
    const storeError = await rejectionOf(stuckStore.verify({ user: 'Carol', baseUrl: base, authHash: `${HASH}x` }));
    expect(isWialonAuthError(storeError, 'upstream_unavailable')).toBe(true);
    expect((storeError as { upstream?: string }).upstream).toBe('replay_store');
    expect(performance.now() - started).toBeLessThan(2 * 300 + 2000);
  });
});
