import type { Requester, RequestOptions } from '@vendorkit/core';
import * as z from 'zod/mini';
import { WialonAuthError, type WialonAuthReason } from './errors.js';

/**
 * A Wialon session opened by `core/use_auth_hash`. `sessionId` is a secret: never log it.
 *
 * Wialon's Remote API reference documents `au` as the user name — the user who signed in, i.e.
 * the person who clicked — and `user` as the user on whose behalf the session acts
 * (`operateAs`); they differ in an "operate as" session (VENDORS.md §3, [C]). Only `au`
 * identifies the person, so only `au` is compared with the link's `user`.
 */
export interface WialonSession {
  sessionId: string;
  /** `au`: the user who signed in to Wialon. */
  userName: string;
  /** `user.id` when `user` is that same user; null otherwise (its id is someone else's). */
  userId: number | null;
  /** `user.nm` when the session acts for another user ("operate as"); absent otherwise. */
  operatingAs?: string;
}

/** Wialon errors that mean "this hash does not log anyone in": invalid session, input, access denied, bad user, expired session. */
const REFUSAL_CODES = new Set([1, 4, 7, 8, 1011]);

/**
 * Maps a Wialon `{"error":N}` code to a refusal reason: 1, 4, 7, 8 and 1011 are
 * `invalid_auth_hash`; everything else (5, 6, 9, 10, 1003, unknown codes) is
 * `upstream_unavailable` — a failure on Wialon's side, never a login.
 */
export function reasonForWialonError(code: number): WialonAuthReason {
  return REFUSAL_CODES.has(code) ? 'invalid_auth_hash' : 'upstream_unavailable';
}

const errorAnswer = z.looseObject({ error: z.int() });
const sessionAnswer = z.looseObject({
  eid: z.string().check(z.minLength(1), z.maxLength(512)),
  au: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  user: z.optional(
    z.looseObject({
      nm: z.optional(z.string().check(z.maxLength(1024))),
      id: z.optional(z.int()),
    }),
  ),
});

/**
 * Interprets an HTTP answer to `core/use_auth_hash`. Returns the session, or throws a
 * {@link WialonAuthError}: `invalid_auth_hash` / `upstream_unavailable` for `{"error":N}`
 * (see {@link reasonForWialonError}), `upstream_unavailable` for a non-2xx status, non-JSON
 * or an answer without a session id and user name.
 */
export function parseUseAuthHashAnswer(status: number, text: string): WialonSession {
  const json = parseJson(status, text);
  const asError = errorAnswer.safeParse(json);
  if (asError.success) {
    const code = asError.data.error;
    const reason = code === 0 ? 'upstream_unavailable' : reasonForWialonError(code);
    throw new WialonAuthError(
      reason,
      reason === 'invalid_auth_hash'
        ? `Wialon refused the auth hash (error ${code}): it is unknown, expired or not allowed.`
        : `Wialon could not check the auth hash (error ${code}).`,
      { wialonError: code, upstream: 'wialon' },
    );
  }
  const asSession = sessionAnswer.safeParse(json);
  if (!asSession.success) {
    throw upstream('Wialon answered core/use_auth_hash without a session id.', status);
  }
  const { au, user } = asSession.data;
  if (au === undefined) {
    throw upstream('Wialon answered core/use_auth_hash without a user name (au).', status);
  }
  const session: WialonSession = { sessionId: asSession.data.eid, userName: au, userId: null };
  if (user?.nm !== undefined && user.nm !== au) session.operatingAs = user.nm;
  else if (user?.id !== undefined) session.userId = user.id;
  return session;
}

/** The meanings Wialon documents for `core/logout` answers (Remote API reference, core/logout). */
const LOGOUT_ERRORS: Record<number, string> = {
  1: 'server connection error',
  4: 'not authorised: the session had already ended',
};

/**
 * Interprets an HTTP answer to `core/logout`: resolves on `{"error":0}`, otherwise throws a
 * plain Error whose message holds only the Wialon code or the HTTP status.
 */
export function parseLogoutAnswer(status: number, text: string): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`Wialon answered core/logout with non-JSON (HTTP ${status}).`);
  }
  const parsed = errorAnswer.safeParse(json);
  if (!parsed.success) throw new Error(`Wialon answered core/logout without an error field (HTTP ${status}).`);
  const code = parsed.data.error;
  if (code !== 0) {
    const meaning = LOGOUT_ERRORS[code];
    throw new Error(`Wialon refused core/logout (error ${code}${meaning === undefined ? '' : `: ${meaning}`}).`);
  }
}

/**
 * `core/use_auth_hash` on a TRUSTED Wialon server (the requester is bound to its base URL):
 * `POST {base}/wialon/ajax.html?svc=core/use_auth_hash` with the form body
 * `params={"authHash":"…"}` (the hash travels in the body, never in a URL). Never retried once
 * sent: the hash may be single use.
 */
export async function useAuthHash(
  wialon: Requester,
  authHash: string,
  options: RequestOptions,
): Promise<WialonSession> {
  const body = new URLSearchParams({ params: JSON.stringify({ authHash }) }).toString();
  const answer = await wialon.request(ajaxCall('core/use_auth_hash', body), options);
  return parseUseAuthHashAnswer(answer.status, answer.text);
}

/** `core/logout` with the session id in the form body. Rejects with a secret-free Error on failure. */
export async function logout(wialon: Requester, sessionId: string, options: RequestOptions): Promise<void> {
  const body = new URLSearchParams({ params: '{}', sid: sessionId }).toString();
  const answer = await wialon.request(ajaxCall('core/logout', body), options);
  parseLogoutAnswer(answer.status, answer.text);
}

/** A Remote API call: `svc` in the query (kept readable, as Wialon's docs write it), fields in a form body. */
export function ajaxCall(svc: string, body: string) {
  return {
    method: 'POST' as const,
    path: `wialon/ajax.html?svc=${svc}`,
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    retry: false,
  };
}

function parseJson(status: number, text: string): unknown {
  if (status < 200 || status > 299) {
    throw upstream(`Wialon answered HTTP ${status}.`, status);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw upstream(`Wialon answered HTTP ${status} with something that is not JSON.`, status);
  }
}

function upstream(message: string, status?: number): WialonAuthError {
  return new WialonAuthError('upstream_unavailable', message, {
    upstream: 'wialon',
    ...(status === undefined ? {} : { upstreamStatus: status }),
  });
}
