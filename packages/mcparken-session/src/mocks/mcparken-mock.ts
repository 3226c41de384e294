import { type HttpHandler, HttpResponse, http } from 'msw';

/** An API account the mock accepts. */
export interface McParkenMockUser {
  username: string;
  password: string;
  /** `userid` returned by `getsession`. Default: `"72"` for the first user, then `"73"`, … */
  userId?: string;
}

/** Options of {@link createMcParkenMock}. */
export interface McParkenMockOptions {
  /** API root the handlers answer on. Default `https://mcparken.se/api`; any localhost URL works for a sandbox. */
  baseUrl?: string;
  /** Accepted `apikey` header values. Default {@link MCPARKEN_MOCK_DEFAULTS}`.apiKey`. */
  apiKeys?: readonly string[];
  /** Accepted accounts. Default one account from {@link MCPARKEN_MOCK_DEFAULTS}. */
  users?: readonly McParkenMockUser[];
  /** Lifetime of issued tokens in milliseconds. Default 60 000 (as in McParken's example). */
  tokenLifetimeMs?: number;
  /**
   * The same lifetime in seconds.
   * @deprecated Use `tokenLifetimeMs`; this alias goes in the next release.
   */
  tokenLifetimeSeconds?: number;
  /**
   * HTTP status of the expired-token answer `{"errormessage":"Your access token has expired...","errorcode":401}`.
   * McParken does not document it; default 200 (the harder case for clients: the error hides in a success status).
   */
  expiredTokenStatus?: number;
  /** UTC offset written in `issued`/`expires`. Default `+01:00` (Swedish winter time, as in the example). */
  utcOffset?: string;
  /** The mock server's clock in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/** Counters a test can assert on. */
export interface McParkenMockStats {
  /** Every `getsession` call, successful or not. */
  sessionRequests: number;
  /** `getsession` calls that issued a token. */
  tokensIssued: number;
  /** Calls to the protected sample endpoint. */
  protectedRequests: number;
  /** Protected calls refused with the expired-token answer. */
  expiredTokenAnswers: number;
}

/** The running mock: MSW handlers plus server-side controls. */
export interface McParkenMock {
  /** MSW 2 handlers: `GET {baseUrl}/session/getsession` and the sample `GET {baseUrl}/parking/zones`. */
  handlers: HttpHandler[];
  /** Live counters. */
  stats: McParkenMockStats;
  /** Revokes one token server-side: its next use gets the expired-token answer. */
  revoke(accessToken: string): void;
  /** Revokes every token issued so far. */
  revokeAll(): void;
  /** While on, every token (even a fresh one) gets the expired-token answer — to test a renewal that fails too. */
  refuseAllTokens(on: boolean): void;
  /** Tokens issued and neither revoked nor expired. */
  activeTokens(): string[];
}

/** Credentials the mock accepts by default; use them in examples and tests. */
export const MCPARKEN_MOCK_DEFAULTS = Object.freeze({
  baseUrl: 'https://mcparken.se/api',
  apiKey: 'mock-apikey-0123456789',
  username: 'demo@example.com',
  password: 'demo-password',
  userId: '72',
});

/** The sample data behind `GET parking/zones` (an illustration: McParken's parking endpoints are not documented here). */
export const MCPARKEN_MOCK_ZONES = Object.freeze([
  Object.freeze({ zoneId: 1, name: 'Centrum', pricePerHour: 25 }),
  Object.freeze({ zoneId: 2, name: 'Hamnen', pricePerHour: 15 }),
]);

/** McParken's documented error codes with the messages the mock sends. */
const ERRORS = {
  apikeyRejected: { code: '401.1', status: 401, message: 'apikey is not approved, is malformed or has expired' },
  apikeyMissing: { code: '403.0', status: 403, message: 'No header named apikey was sent' },
  credentialsMissing: { code: '405.0', status: 405, message: 'username or password is empty or missing' },
  credentialsWrong: { code: '401.2', status: 401, message: 'Wrong username or password' },
} as const;

/**
 * Writes an error body with `errorcode` as a JSON number literal, as in McParken's example
 * (`"errorcode": 401`): `403.0` stays `403.0` on the wire, which clients must not read as `403`.
 */
function errorResponse(code: string, message: string, status: number): Response {
  return new HttpResponse(`{"errormessage":${JSON.stringify(message)},"errorcode":${code}}`, {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * A stateful, in-memory McParken API for tests and the `vendorkit sandbox`.
 *
 * `getsession` checks, in order: `apikey` header present (else `403.0`), known (else `401.1`),
 * `username` and `password` non-empty (else `405.0`), matching an account (else `401.2`), then
 * issues a random token living `tokenLifetimeMs`, with `issued`/`expires` in McParken's
 * `"YYYY-MM-DD hh:mm:ss +01:00"` format and `expires_in` as a unix timestamp in a string.
 * `GET parking/zones` needs the `apikey` and a live `Authorization: Bearer` token; an
 * expired, revoked or unknown token gets `{"errormessage":"Your access token has expired...","errorcode":401}`
 * with `expiredTokenStatus`.
 */
export function createMcParkenMock(options: McParkenMockOptions = {}): McParkenMock {
  const base = (options.baseUrl ?? MCPARKEN_MOCK_DEFAULTS.baseUrl).replace(/\/+$/, '');
  const apiKeys = new Set(options.apiKeys ?? [MCPARKEN_MOCK_DEFAULTS.apiKey]);
  const users = (
    options.users ?? [
      {
        username: MCPARKEN_MOCK_DEFAULTS.username,
        password: MCPARKEN_MOCK_DEFAULTS.password,
        userId: MCPARKEN_MOCK_DEFAULTS.userId,
      },
    ]
  ).map((user, index) => ({ ...user, userId: user.userId ?? String(72 + index) }));
  if (options.tokenLifetimeMs !== undefined && options.tokenLifetimeSeconds !== undefined) {
    throw new RangeError(
      'createMcParkenMock: pass tokenLifetimeMs or its deprecated alias tokenLifetimeSeconds, not both.',
    );
  }
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? (options.tokenLifetimeMs ?? 60_000) / 1000;
  if (!Number.isFinite(lifetimeSeconds) || lifetimeSeconds <= 0) {
    throw new RangeError('createMcParkenMock: tokenLifetimeMs must be a positive number.');
  }
  const expiredStatus = options.expiredTokenStatus ?? 200;
  const offsetText = options.utcOffset ?? '+01:00';
  const offsetMatch = /^([+-])(\d{2}):(\d{2})$/.exec(offsetText);
  if (!offsetMatch) throw new RangeError('createMcParkenMock: utcOffset must look like +01:00.');
  const offsetMinutes = (offsetMatch[1] === '-' ? -1 : 1) * (Number(offsetMatch[2]) * 60 + Number(offsetMatch[3]));
  const now = options.now ?? Date.now;

  const tokens = new Map<string, { userId: string; expiresAt: number; revoked: boolean }>();
  const stats: McParkenMockStats = {
    sessionRequests: 0,
    tokensIssued: 0,
    protectedRequests: 0,
    expiredTokenAnswers: 0,
  };
  let refuseAll = false;

  const formatTime = (ms: number) => {
    const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000).toISOString();
    return `${local.slice(0, 10)} ${local.slice(11, 19)} ${offsetText}`;
  };
  const pruneExpired = () => {
    const limit = now() - 3600_000;
    for (const [token, entry] of tokens) if (entry.expiresAt < limit) tokens.delete(token);
  };

  const getSession = http.get(`${base}/session/getsession`, ({ request }) => {
    stats.sessionRequests += 1;
    const apikey = request.headers.get('apikey');
    if (apikey === null)
      return errorResponse(ERRORS.apikeyMissing.code, ERRORS.apikeyMissing.message, ERRORS.apikeyMissing.status);
    if (!apiKeys.has(apikey)) {
      return errorResponse(ERRORS.apikeyRejected.code, ERRORS.apikeyRejected.message, ERRORS.apikeyRejected.status);
    }
    const params = new URL(request.url).searchParams;
    const username = params.get('username') ?? '';
    const password = params.get('password') ?? '';
    if (username === '' || password === '') {
      const e = ERRORS.credentialsMissing;
      return errorResponse(e.code, e.message, e.status);
    }
    const user = users.find((u) => u.username === username && u.password === password);
    if (!user)
      return errorResponse(
        ERRORS.credentialsWrong.code,
        ERRORS.credentialsWrong.message,
        ERRORS.credentialsWrong.status,
      );

    pruneExpired();
    const issuedAt = Math.floor(now() / 1000) * 1000;
    const expiresAt = issuedAt + lifetimeSeconds * 1000;
    const bytes = crypto.getRandomValues(new Uint8Array(36));
    const accessToken = btoa(String.fromCharCode(...bytes));
    tokens.set(accessToken, { userId: user.userId, expiresAt, revoked: false });
    stats.tokensIssued += 1;
    return HttpResponse.json(
      {
        access_token: accessToken,
        expires_in: String(Math.floor(expiresAt / 1000)),
        token_type: 'bearer',
        userid: user.userId,
        issued: formatTime(issuedAt),
        expires: formatTime(expiresAt),
      },
      { headers: { date: new Date(now()).toUTCString() } },
    );
  });

  const zones = http.get(`${base}/parking/zones`, ({ request }) => {
    stats.protectedRequests += 1;
    const apikey = request.headers.get('apikey');
    if (apikey === null)
      return errorResponse(ERRORS.apikeyMissing.code, ERRORS.apikeyMissing.message, ERRORS.apikeyMissing.status);
    if (!apiKeys.has(apikey)) {
      return errorResponse(ERRORS.apikeyRejected.code, ERRORS.apikeyRejected.message, ERRORS.apikeyRejected.status);
    }
    const token = /^Bearer (.+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
    const entry = token === undefined ? undefined : tokens.get(token);
    if (refuseAll || !entry || entry.revoked || entry.expiresAt <= now()) {
      stats.expiredTokenAnswers += 1;
      return errorResponse('401', 'Your access token has expired...', expiredStatus);
    }
    return HttpResponse.json(MCPARKEN_MOCK_ZONES);
  });

  return {
    handlers: [getSession, zones],
    stats,
    revoke(accessToken) {
      const entry = tokens.get(accessToken);
      if (entry) entry.revoked = true;
    },
    revokeAll() {
      for (const entry of tokens.values()) entry.revoked = true;
    },
    refuseAllTokens(on) {
      refuseAll = on;
    },
    activeTokens() {
      const t = now();
      return [...tokens].filter(([, e]) => !e.revoked && e.expiresAt > t).map(([token]) => token);
    },
  };
}
