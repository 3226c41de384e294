import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ClientHooks,
  createWialonAppLink,
  createWialonOkdeskAuth,
  isWialonAuthError,
  type Logger,
} from '@vendorkit/wialon-okdesk-auth';
import { afterEach, describe, expect, it } from 'vitest';
import { USER_AGENT } from '../src/version.js';
import { API_TOKEN, expectNoSecrets, rejectionOf } from './helpers.js';

// Issue 17: hooks and a logger see every upstream request with its secrets (api_token, auth
// hash, Wialon session id, Wialon token) redacted; every request carries the package's User-Agent.

const HASH = 'c0ffee'.repeat(6);
const SESSION = 'sess-5ecret-0123456789';
const WIALON_TOKEN = `wialon-token-${'7'.repeat(59)}`;
const SECRETS = [HASH, SESSION, API_TOKEN, WIALON_TOKEN];

type Seen = { path: string; userAgent: string | undefined; trace: string | undefined };
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

/**
 * One loopback server playing Wialon (`/wialon/ajax.html`) and Okdesk (`/okdesk/api/v1/…`). It is
 * hostile where it can be: every answer echoes a secret of the request in `x-request-id`.
 */
async function upstreams(okdeskStatuses: number[] = []) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      seen.push({
        path: `${url.pathname}${url.searchParams.get('svc') ? `?svc=${url.searchParams.get('svc')}` : ''}`,
        userAgent: req.headers['user-agent'],
        trace: req.headers['x-trace'] as string | undefined,
      });
      const json = (value: unknown, echo: string, status = 200) =>
        res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': echo }).end(JSON.stringify(value));
      const svc = url.searchParams.get('svc');
      if (svc === 'core/use_auth_hash') return json({ eid: SESSION, au: 'Carol', user: { nm: 'Carol', id: 5 } }, HASH);
      if (svc === 'core/logout') return json({ error: 0 }, SESSION);
      if (svc === 'token/login') return json({ eid: SESSION, au: 'Carol' }, WIALON_TOKEN);
      if (svc === 'core/create_auth_hash') return json({ authHash: HASH }, SESSION);
      if (url.pathname === '/okdesk/api/v1/contacts/list') {
        const status = okdeskStatuses.shift() ?? 200;
        return json(status === 200 ? [{ id: 7, login: 'Carol' }] : { errors: 'busy' }, API_TOKEN, status);
      }
      if (url.pathname === '/okdesk/api/v1/login_link')
        return json({ url: 'https://portal.example/one-time' }, API_TOKEN);
      res.writeHead(404).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, okdesk: `${base}/okdesk`, seen };
}

/** Hooks and a logger that keep everything they are given, as JSON text. */
function observers() {
  const events: Array<{ hook: string; info: Record<string, unknown> }> = [];
  const lines: string[] = [];
  const hooks: ClientHooks = {
    onRequest: (info) => events.push({ hook: 'onRequest', info: { ...info } }),
    onResponse: (info) => events.push({ hook: 'onResponse', info: { ...info } }),
    onRetry: (info) => events.push({ hook: 'onRetry', info: { ...info } }),
    onError: (info) => events.push({ hook: 'onError', info: { ...info } }),
  };
  const record =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push(`${level} ${message} ${JSON.stringify(fields)}`);
    };
  const logger: Logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  const text = () => `${JSON.stringify(events)}\n${lines.join('\n')}`;
  return { hooks, logger, events, lines, text };
}

function expectNoSecretIn(text: string) {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  for (const secret of SECRETS) expect(text).not.toContain(encodeURIComponent(secret));
}

describe('hooks and logger', () => {
  it('see each Wialon and Okdesk request of a verify(), with every secret redacted, even when echoed back', async () => {
    const { base, okdesk } = await upstreams();
    const watch = observers();
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [base],
      okdesk: { baseUrl: okdesk, apiToken: API_TOKEN },
      hooks: watch.hooks,
      logger: watch.logger,
    });
    const result = await auth.verify({ user: 'Carol', baseUrl: base, authHash: HASH });
    expect(result.contact.id).toBe(7);
    const requests = watch.events.filter((e) => e.hook === 'onRequest').map((e) => String(e.info.url));
    expect(requests).toHaveLength(3);
    expect(requests).toEqual(
      expect.arrayContaining([
        `${base}/wialon/ajax.html?svc=core/use_auth_hash`,
        `${base}/wialon/ajax.html?svc=core/logout`,
        expect.stringMatching(/\/okdesk\/api\/v1\/contacts\/list\?api_token=/),
      ]),
    );
    const responses = watch.events.filter((e) => e.hook === 'onResponse');
    expect(responses.map((e) => e.info.status)).toEqual([200, 200, 200]);
    // Okdesk's request id is kept, its api_token redacted; Wialon documents none, so none is read.
    expect(responses.filter((e) => e.info.requestId !== undefined)).toHaveLength(1);
    expect(watch.lines.some((line) => line.startsWith('debug POST'))).toBe(true);
    expect(watch.lines.some((line) => line.startsWith('info wialon-okdesk-auth: signed in'))).toBe(true);
    expectNoSecretIn(watch.text());
  });

  it('onError and the refusal log carry the typed error without secrets; onRetry tells why and how long', async () => {
    const { base, okdesk } = await upstreams([503, 500, 503]);
    const watch = observers();
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [base],
      okdesk: { baseUrl: okdesk, apiToken: API_TOKEN },
      hooks: watch.hooks,
      logger: watch.logger,
    });
    const error = await rejectionOf(auth.verify({ user: 'Carol', baseUrl: base, authHash: HASH }));
    expect(isWialonAuthError(error, 'upstream_unavailable')).toBe(true);
    expect(error).toMatchObject({ upstream: 'okdesk', upstreamStatus: 503, requestId: '[REDACTED]' });
    expectNoSecrets(error, SECRETS);
    const retries = watch.events.filter((e) => e.hook === 'onRetry').map((e) => e.info.reason);
    expect(retries).toEqual(['status 503', 'status 500']);
    expect(watch.lines.some((line) => line.startsWith('warn wialon-okdesk-auth: refused (upstream_unavailable)'))).toBe(
      true,
    );
    expectNoSecretIn(watch.text());

    const refused = observers();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadBase = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const down = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [deadBase],
      okdesk: { findContactByLogin: async (login) => ({ id: 1, login }) },
      hooks: refused.hooks,
    });
    await rejectionOf(down.verify({ user: 'Carol', baseUrl: deadBase, authHash: HASH }));
    const failures = refused.events.filter((e) => e.hook === 'onError');
    expect(failures.length).toBeGreaterThan(0);
    expect(isWialonAuthError(failures[0]?.info.error, 'upstream_unavailable')).toBe(true);
    expectNoSecretIn(refused.text());
  });

  it('createWialonAppLink: hooks never see the Wialon token or the session id', async () => {
    const { base } = await upstreams();
    const watch = observers();
    const link = await createWialonAppLink({
      wialonBaseUrl: base,
      token: WIALON_TOKEN,
      appUrl: 'https://acme.okdesk.ru/wialonauth',
      hooks: watch.hooks,
      logger: watch.logger,
    });
    expect(new URL(link).searchParams.get('user')).toBe('Carol');
    expect(watch.events.filter((e) => e.hook === 'onResponse')).toHaveLength(2);
    expectNoSecretIn(watch.text().replaceAll(HASH, '')); // the new hash is the link's purpose
  });
});

describe('User-Agent', () => {
  it('vendorkit-wialon-okdesk-auth/<version> on every upstream request, in front of the caller’s', async () => {
    expect(USER_AGENT).toMatch(/^vendorkit-wialon-okdesk-auth\/\d+\.\d+\.\d+/);
    const { base, okdesk, seen } = await upstreams();
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [base],
      okdesk: { baseUrl: okdesk, apiToken: API_TOKEN, loginLink: true },
    });
    const search = new URLSearchParams({ user: 'Carol', baseUrl: base, authHash: HASH });
    expect((await auth.handle(new Request(`https://portal.example/wialonauth?${search}`))).status).toBe(302);
    await auth.verify(
      { user: 'Carol', baseUrl: base, authHash: `${HASH}2` },
      { headers: { 'user-agent': 'acme-portal/3', 'x-trace': 't-1' } },
    );
    await createWialonAppLink({ wialonBaseUrl: base, token: WIALON_TOKEN, appUrl: 'https://acme.okdesk.ru/x' });
    expect(seen.map((s) => s.path)).toEqual([
      '/wialon/ajax.html?svc=core/use_auth_hash',
      expect.any(String),
      expect.any(String),
      '/okdesk/api/v1/login_link',
      '/wialon/ajax.html?svc=core/use_auth_hash',
      expect.any(String),
      expect.any(String),
      '/wialon/ajax.html?svc=token/login',
      '/wialon/ajax.html?svc=core/create_auth_hash',
    ]);
    for (const [index, request] of seen.entries()) {
      const second = index >= 4 && index < 7;
      expect(request.userAgent).toBe(second ? `${USER_AGENT} acme-portal/3` : USER_AGENT);
      expect(request.trace).toBe(second ? 't-1' : undefined);
    }
  });
});
