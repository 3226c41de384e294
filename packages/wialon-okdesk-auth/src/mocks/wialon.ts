import { HttpResponse, http } from 'msw';
import { randomHex, trimBaseUrl } from './random.js';

/** A Wialon user known to the mock. */
export interface WialonMockUser {
  name: string;
  id?: number;
  /** A token that signs this user in with `token/login` (Wialon tokens are 72 characters). */
  token?: string;
}

/** Options of {@link createWialonMock}. */
export interface WialonMockOptions {
  /** Base URL served, default `https://hst-api.wialon.com`; the API is at `{baseUrl}/wialon/ajax.html`. */
  baseUrl?: string;
  /** Users that exist (names are case-sensitive). Default `["wialon_user"]`. */
  users?: ReadonlyArray<string | WialonMockUser>;
  /** How long minted hashes are valid. Default 120 000 ms (Wialon documents 2 minutes). */
  authHashLifetimeMs?: number;
  /** Make a hash unusable after its first use. Default false: single use is not documented by Wialon. */
  singleUseHashes?: boolean;
  /** The error `use_auth_hash` answers for an unknown or expired hash. Default 1. */
  invalidHashError?: number;
  /** Clock in milliseconds, for tests. */
  now?: () => number;
}

/** Whom a mock session acts for. */
export interface WialonMockSessionOptions {
  /** "Operate as": the session of the signing-in user acts for this other user (`user` in answers). */
  operateAs?: string;
}

/** Request counters of the Wialon mock. */
export interface WialonMockStats {
  requests: number;
  tokenLogin: number;
  useAuthHash: number;
  createAuthHash: number;
  logout: number;
}

/**
 * An in-memory Wialon Remote API (`/wialon/ajax.html`, POST, form-encoded; `svc`, `params`,
 * `sid` accepted in the query or the body) with `token/login` (users given a `token`),
 * `core/use_auth_hash`, `core/create_auth_hash` (in a session; hashes valid 2 minutes),
 * `core/logout`, and Wialon's `{"error":N}` answers (1 invalid session, 2 unknown service,
 * 4 invalid input). Serve `handlers` with MSW's
 * `setupServer` or on a real localhost server under any `baseUrl`.
 */
export function createWialonMock(options: WialonMockOptions = {}) {
  const baseUrl = trimBaseUrl('baseUrl', options.baseUrl ?? 'https://hst-api.wialon.com');
  const now = options.now ?? Date.now;
  const lifetimeMs = options.authHashLifetimeMs ?? 120_000;
  const invalidHashError = options.invalidHashError ?? 1;
  const users = new Map<string, { name: string; id: number }>();
  const tokens = new Map<string, string>();
  let nextId = 1000;
  const addUser = (user: string | WialonMockUser) => {
    const entry = typeof user === 'string' ? { name: user } : user;
    const record = { name: entry.name, id: entry.id ?? nextId++ };
    users.set(record.name, record);
    if (entry.token !== undefined) tokens.set(entry.token, record.name);
    return record;
  };
  for (const user of options.users ?? ['wialon_user']) addUser(user);

  /** Who a session or hash belongs to: `user` signed in, acting for `operateAs` (themselves when absent). */
  type Identity = { user: string; operateAs?: string };
  const hashes = new Map<string, Identity & { expiresAt: number; used: boolean }>();
  const sessions = new Map<string, Identity>();
  const closedSessions: string[] = [];
  const openedSessions: string[] = [];
  const queuedErrors: number[] = [];
  const answers = new Map<string, (body: unknown) => unknown>();
  const stats: WialonMockStats = { requests: 0, tokenLogin: 0, useAuthHash: 0, createAuthHash: 0, logout: 0 };

  const identity = (userName: string, as: WialonMockSessionOptions = {}): Identity => {
    for (const name of [userName, as.operateAs]) {
      if (name !== undefined && !users.has(name)) throw new TypeError(`Wialon mock: no user ${JSON.stringify(name)}.`);
    }
    return as.operateAs === undefined ? { user: userName } : { user: userName, operateAs: as.operateAs };
  };
  const openSession = (userName: string, as: WialonMockSessionOptions = {}): string => {
    const sid = randomHex(16);
    sessions.set(sid, identity(userName, as));
    openedSessions.push(sid);
    return sid;
  };
  const mintAuthHash = (userName: string, as: WialonMockSessionOptions = {}): string => {
    const hash = randomHex(16);
    hashes.set(hash, { ...identity(userName, as), expiresAt: now() + lifetimeMs, used: false });
    return hash;
  };
  // Wialon Remote API reference (core/use_auth_hash, token/login, core/login; VENDORS.md §3 [C]):
  // `au` is the name of the user who signed in, `user` the user on whose behalf the session acts
  // (`operateAs`); they differ only in an "operate as" session.
  const sessionAnswer = (who: Identity) => {
    const signedIn = users.get(who.user);
    const actingFor = users.get(who.operateAs ?? who.user);
    if (!signedIn || !actingFor) return { error: 8 };
    const eid = openSession(who.user, who.operateAs === undefined ? {} : { operateAs: who.operateAs });
    return {
      eid,
      au: signedIn.name,
      tm: Math.floor(now() / 1000),
      host: '127.0.0.1',
      base_url: baseUrl,
      wsdk_version: 'mock',
      user: { nm: actingFor.name, cls: 1, id: actingFor.id, prp: {}, crt: actingFor.id, bact: actingFor.id, fl: 0 },
    };
  };

  const services: Record<string, (params: Record<string, unknown>, sid: string | undefined) => unknown> = {
    // Wialon Remote API reference, token/login (VENDORS.md §3 [C]): `{token, operateAs?, fl}` → the
    // same answer as a login. Which error an unknown token gets is not documented ([G]): 8, Wialon's
    // "invalid user name or password".
    'token/login': (params) => {
      stats.tokenLogin++;
      if (typeof params.token !== 'string') return { error: 4 };
      const user = tokens.get(params.token);
      if (user === undefined) return { error: 8 };
      if (params.operateAs !== undefined && typeof params.operateAs !== 'string') return { error: 4 };
      if (params.operateAs !== undefined && params.operateAs !== '' && !users.has(params.operateAs))
        return { error: 7 };
      return sessionAnswer(
        params.operateAs === undefined || params.operateAs === '' ? { user } : { user, operateAs: params.operateAs },
      );
    },
    'core/use_auth_hash': (params) => {
      stats.useAuthHash++;
      const hash = typeof params.authHash === 'string' ? params.authHash : undefined;
      if (hash === undefined) return { error: 4 };
      const entry = hashes.get(hash);
      if (!entry || entry.expiresAt <= now() || entry.used) return { error: invalidHashError };
      if (options.singleUseHashes) entry.used = true;
      return sessionAnswer(entry);
    },
    'core/create_auth_hash': (_params, sid) => {
      stats.createAuthHash++;
      const who = sid === undefined ? undefined : sessions.get(sid);
      // Wialon: error 1 "failed to fetch the current user" without a live session.
      if (who === undefined) return { error: 1 };
      return { authHash: mintAuthHash(who.user, who.operateAs === undefined ? {} : { operateAs: who.operateAs }) };
    },
    'core/logout': (_params, sid) => {
      stats.logout++;
      // Wialon Remote API reference, core/logout (VENDORS.md §3 [C]): 0 logged out, 1 server
      // connection error (inject it with failNext(1)), 4 non-authorised user — a session that is
      // unknown, already closed or missing.
      if (sid === undefined || !sessions.has(sid)) return { error: 4 };
      sessions.delete(sid);
      closedSessions.push(sid);
      return { error: 0 };
    },
  };

  const handlers = [
    http.post(`${baseUrl}/wialon/ajax.html`, async ({ request }) => {
      stats.requests++;
      const query = new URL(request.url).searchParams;
      const form = new URLSearchParams(await request.text());
      const read = (name: string) => form.get(name) ?? query.get(name) ?? undefined;
      const svc = read('svc');
      const handler = svc === undefined ? undefined : services[svc];
      if (handler === undefined) return HttpResponse.json({ error: 2 });
      let params: unknown;
      try {
        params = JSON.parse(read('params') ?? '{}');
      } catch {
        return HttpResponse.json({ error: 4 });
      }
      if (typeof params !== 'object' || params === null || Array.isArray(params))
        return HttpResponse.json({ error: 4 });
      const injected = queuedErrors.shift();
      if (injected !== undefined) return HttpResponse.json({ error: injected });
      const body = handler(params as Record<string, unknown>, read('sid'));
      const override = svc === undefined ? undefined : answers.get(svc);
      return HttpResponse.json((override ? override(body) : body) as Record<string, unknown>);
    }),
  ];

  return {
    /** MSW request handlers. */
    handlers,
    /** The served base URL (no trailing slash). */
    baseUrl,
    /** Adds a user; returns it with its id. */
    addUser,
    /**
     * A fresh auth hash for `userName`, valid `authHashLifetimeMs` — as `core/create_auth_hash` in
     * that user's session would give (`{ operateAs }`: a session acting for another user).
     */
    mintAuthHash,
    /** Opens a session for `userName` (as a login would; `{ operateAs }` as above) and returns its id. */
    openSession,
    /** The next request (any svc) answers `{"error":code}`; queue several by calling again. */
    failNext(code: number) {
      queuedErrors.push(code);
    },
    /** Rewrites the answer of `svc` from now on (e.g. make `use_auth_hash` name another user). */
    overrideAnswer(svc: string, rewrite: (answer: unknown) => unknown) {
      answers.set(svc, rewrite);
    },
    /** Session ids opened by `use_auth_hash` / `openSession`, in order. */
    openedSessions,
    /** Session ids closed by `core/logout`, in order. */
    closedSessions,
    /** Sessions still open. */
    activeSessions: () => [...sessions.keys()],
    /** Request counters. */
    stats,
  };
}

/** What {@link createWialonMock} returns. */
export type WialonMock = ReturnType<typeof createWialonMock>;
