/**
 * The built package, as users install it (dist/, made by tsup), against a real loopback server.
 * tsup renames classes (`var McParkenError = class _McParkenError`), so anything that decides by an
 * error's name works on the sources and breaks here: a refused login was asked 3 times and a
 * `PUT` answered with a McParken error body went out 3 times (issue 12; issue 15 item 7).
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type * as Source from '../src/index.js';
import { caught } from './helpers.js';

const distEntry = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const built = existsSync(distEntry);
if (!built) console.warn('\n⚠️  SKIPPING the built mcparken-session test: run `pnpm run build` first.\n');

const CREDENTIALS = { apiKey: 'artifact-apikey-1234', username: 'artifact@example.com', password: 'right-password' };
type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;
let behaviour: { session: Behaviour; other: Behaviour };
let hits: { session: number; other: number; methods: string[] };
let server: Server;
let baseUrl: string;

const json = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
};
// McParken's documented session answer and error body (VENDORS.md §4 [C], seed 004).
const validSession: Behaviour = (req, res) => {
  const password = new URL(req.url ?? '', 'http://x').searchParams.get('password');
  if (password !== CREDENTIALS.password) {
    json(res, 401, '{"errormessage":"Wrong username or password","errorcode":401.2}');
    return;
  }
  json(
    res,
    200,
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

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/api/session/getsession')) {
      hits.session += 1;
      behaviour.session(req, res);
    } else {
      hits.other += 1;
      hits.methods.push(req.method ?? '');
      behaviour.other(req, res);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
beforeEach(() => {
  behaviour = { session: validSession, other: (_req, res) => json(res, 200, '[]') };
  hits = { session: 0, other: 0, methods: [] };
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe.skipIf(!built)('the built @vendorkit/mcparken-session (dist/index.js)', () => {
  let dist: typeof Source;
  beforeAll(async () => {
    dist = (await import(distEntry)) as typeof Source;
  });
  const session = (extra: Partial<Source.McParkenSessionOptions> = {}) =>
    new dist.McParkenSession({ ...CREDENTIALS, baseUrl, ...extra });

  it('isMcParkenError recognises its own errors (the README quick start’s catch branch)', async () => {
    const error = await caught(session({ password: 'wrong-password' }).getAccessToken());
    expect(dist.isMcParkenError(error)).toBe(true);
    expect(dist.isMcParkenError(error, '401.2')).toBe(true);
  });

  it('a wrong password through session.http: exactly one getsession request', async () => {
    const error = await caught(session({ password: 'wrong-password' }).http.get('parking/zones'));
    expect((error as { code?: string }).code).toBe('401.2');
    expect(hits.session).toBe(1);
    expect(hits.other).toBe(0);
  });

  it('20 concurrent calls with a wrong password: one getsession request', async () => {
    const s = session({ password: 'wrong-password' });
    const errors = await Promise.all([
      ...Array.from({ length: 10 }, () => caught(s.http.get('parking/zones'))),
      ...Array.from({ length: 10 }, () => caught(s.getAccessToken())),
    ]);
    for (const error of errors) expect((error as { code?: string }).code).toBe('401.2');
    expect(hits.session).toBe(1);
  });

  for (const method of ['put', 'post', 'delete'] as const) {
    it(`a 200 answer with a McParken error body: the ${method.toUpperCase()} goes out once`, async () => {
      behaviour.other = (_req, res) => json(res, 200, '{"errormessage":"Zone closed","errorcode":"Z12"}');
      const error = await caught(session().http[method]('parking/zones/1', { json: { open: false } }));
      expect((error as { code?: string }).code).toBe('Z12');
      expect(hits.methods).toEqual([method.toUpperCase()]);
    });
  }

  it('a connection reset of the session call is still retried as configured', async () => {
    behaviour.session = (req) => req.socket.destroy();
    const error = await caught(session({ retries: 2 }).getAccessToken());
    expect((error as { code?: string }).code).toBe('network_error');
    expect(hits.session).toBe(3);
  });
});
