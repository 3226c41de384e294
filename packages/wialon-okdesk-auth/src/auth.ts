import { ConfigurationError, createMemoryStore, isVendorkitError, redactSecrets, type Store } from '@vendorkit/core';
import { refusalPage, SAFE_HEADERS } from './error-page.js';
import { isWialonAuthError, statusForReason, WialonAuthError } from './errors.js';
import { createExchangeClient } from './exchange.js';
import { parseLinkParams, type WialonLinkInput } from './link-params.js';
import { defaultLogger, type WialonOkdeskAuthLogger } from './logger.js';
import {
  type ContactDirectory,
  createOkdeskClient,
  type OkdeskClientOptions,
  type OkdeskContact,
} from './okdesk-client.js';
import { matchTrustedBaseUrl, normalizeBaseUrl, parseTrustedBaseUrls } from './trusted-base-urls.js';
import { logout, useAuthHash } from './wialon-api.js';

/** What a successful `verify()` resolves to. */
export interface WialonOkdeskAuthResult {
  /**
   * The Wialon user who clicked, as Wialon itself reported it for this hash (`au`). `id` is known
   * when the session acts for that same user; `operatingAs` names the account acted for in an
   * "operate as" session (then `id` is null: Wialon reports only the other account's id).
   */
  wialonUser: { name: string; id: number | null; operatingAs?: string };
  /** The Okdesk contact whose `login` equals the Wialon user name exactly. */
  contact: OkdeskContact;
}

/** Okdesk through its REST API: account URL and API key (plus lookup tuning). */
export interface OkdeskApiOptions extends Omit<OkdeskClientOptions, 'fetch' | 'timeoutMs'> {
  /**
   * Let `handle()` redirect a successful login to a one-time portal link from
   * `POST /api/v1/login_link`. Okdesk does not document that endpoint (VENDORS.md §3, [G]), so
   * this is off by default: switch it on only when your account answers it; otherwise pass
   * `onSuccess` or `portalLoginLink`. Default false.
   */
  loginLink?: boolean;
}

/** Options of {@link createWialonOkdeskAuth}. */
export interface WialonOkdeskAuthOptions {
  /**
   * The Wialon servers whose word is trusted, e.g. `["https://hst-api.wialon.com"]`. A link's
   * `baseUrl` must equal one of them exactly (scheme, host, port); nothing else is ever called.
   */
  trustedWialonBaseUrls: readonly string[];
  /** `{ baseUrl, apiToken }` for the built-in Okdesk client, or any `{ findContactByLogin }` directory. */
  okdesk: OkdeskApiOptions | ContactDirectory;
  /** Where used hashes are remembered (atomic `setIfAbsent`). Default: in-memory, this process only. */
  replayStore?: Store;
  /** A `fetch` implementation for Wialon and Okdesk calls; default `globalThis.fetch` (late-bound). */
  fetch?: typeof fetch;
  /** Deadline per upstream request (headers and body), in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** How long a hash is remembered as used. Wialon hashes live 2 minutes: default 120. */
  authHashLifetimeSeconds?: number;
  /** `handle()` answers success with this Response (e.g. set your own session cookie and redirect). */
  onSuccess?: (result: WialonOkdeskAuthResult, request: Request) => Response | Promise<Response>;
  /** `handle()` redirects (302) to this URL on success when `onSuccess` is not given. */
  portalLoginLink?: (result: WialonOkdeskAuthResult, request: Request) => string | URL | Promise<string | URL>;
  /** Receives every refusal (`warn`) and success (`info`). Default: none — nothing is written anywhere. */
  logger?: WialonOkdeskAuthLogger;
}

/** A configured Wialon → Okdesk pass-through login. */
export interface WialonOkdeskAuth {
  /**
   * Checks a Wialon application link and resolves the Wialon user and Okdesk contact, or
   * rejects with a {@link WialonAuthError}. Each hash is accepted once. Needs neither
   * `onSuccess` nor a login link.
   */
  verify(input: WialonLinkInput): Promise<WialonOkdeskAuthResult>;
  /**
   * A fetch-style handler (Hono, Next.js route handlers, Bun, Deno, `toNodeHandler`): GET only;
   * success → `onSuccess`, else a 302 to the portal login link; refusal → an HTML page with
   * 400/403/502/503. Rejects with a ConfigurationError when no success answer is configured.
   */
  handle(request: Request): Promise<Response>;
}

const HASH_SHAPE = /^[\x21-\x7e]+$/;

/**
 * Creates the pass-through login. Validates options up front (ConfigurationError naming the
 * option). Order of checks in `verify()`, and why:
 * 1. link parameters; 2. `baseUrl` against the trusted list — an untrusted one makes NO request;
 * 3. claim the hash in the replay store (atomic), so concurrent or later duplicates never reach
 *    Wialon; 4. `core/use_auth_hash` on the trusted server; 5. equality of the link's user with
 *    `au`, the user who signed in (exact, case included); 6. `core/logout` of that session (best
 *    effort) while 7. the contact is looked up.
 * Wialon is asked before Okdesk so that nobody without a live Wialon hash can probe which
 * logins exist or make this server list contacts.
 */
export function createWialonOkdeskAuth(options: WialonOkdeskAuthOptions): WialonOkdeskAuth {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('createWialonOkdeskAuth needs an options object.');
  }
  const trusted = parseTrustedBaseUrls(options.trustedWialonBaseUrls);
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2_147_483_647) {
    throw new ConfigurationError(
      `timeoutMs must be a positive number of milliseconds, got ${String(options.timeoutMs)}.`,
    );
  }
  const lifetimeSeconds = options.authHashLifetimeSeconds ?? 120;
  if (typeof lifetimeSeconds !== 'number' || !Number.isFinite(lifetimeSeconds) || lifetimeSeconds <= 0) {
    throw new ConfigurationError(
      `authHashLifetimeSeconds must be a positive number of seconds, got ${String(options.authHashLifetimeSeconds)}.`,
    );
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ConfigurationError('fetch must be a function (a fetch implementation).');
  }
  for (const name of ['onSuccess', 'portalLoginLink'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new ConfigurationError(`${name} must be a function.`);
    }
  }
  const logger = options.logger ?? defaultLogger;
  if (typeof logger?.warn !== 'function' || typeof logger?.info !== 'function') {
    throw new ConfigurationError('logger must have warn(message, details) and info(message, details) functions.');
  }
  const replayStore = options.replayStore ?? createMemoryStore();
  if (typeof replayStore?.setIfAbsent !== 'function') {
    throw new ConfigurationError('replayStore must implement the vendorkit Store interface (setIfAbsent is required).');
  }
  const { directory, apiToken, loginLink } = resolveDirectory(options.okdesk, options.fetch, timeoutMs);
  const customDirectory = apiToken === undefined;
  const client = createExchangeClient(options.fetch);
  const ttlMs = lifetimeSeconds * 1000;

  const verifyUnlogged = async (
    input: WialonLinkInput,
    seen: { user?: string; authHash?: string; baseUrl?: string },
  ) => {
    const params = parseLinkParams(input);
    Object.assign(seen, params);
    const base = matchTrustedBaseUrl(params.baseUrl, trusted);
    if (base === undefined) {
      throw new WialonAuthError(
        'untrusted_base_url',
        'The link names a Wialon server that is not in trustedWialonBaseUrls; nothing was sent to it.',
      );
    }
    if (!HASH_SHAPE.test(params.authHash)) {
      throw new WialonAuthError('invalid_auth_hash', 'The auth hash contains characters a Wialon hash never has.');
    }

    let claimed: boolean;
    try {
      const key = await replayKey(base.normalized, params.authHash);
      claimed = await withDeadline(replayStore.setIfAbsent(key, '1', { ttlMs }), timeoutMs);
    } catch (error) {
      if (isVendorkitError(error, 'store_full')) {
        throw new WialonAuthError(
          'replay_store_full',
          'The replay store is full of live used-hash marks and refuses new ones rather than forget one (a flood of links, or more logins per authHashLifetimeSeconds than it holds); nothing was sent to Wialon. Raise maxEntries of the memory store, or use a shared store such as @vendorkit/redis-store.',
        );
      }
      throw new WialonAuthError('upstream_unavailable', `The replay store failed (${errorName(error)}).`, {
        upstream: 'replay_store',
      });
    }
    if (!claimed) throw new WialonAuthError('replayed', 'This auth hash was already used; each link works once.');

    const session = await useAuthHash(client, base, params.authHash, timeoutMs);
    const closing = logout(client, base, session.sessionId, timeoutMs).then(
      () => undefined,
      (error: unknown) =>
        logger.warn(
          'wialon-okdesk-auth: closing the Wialon session failed',
          safe({ detail: errorMessage(error) }, [session.sessionId, params.authHash]),
        ),
    );
    try {
      if (session.userName !== params.user) {
        throw new WialonAuthError(
          'user_mismatch',
          'Wialon reports a different user for this auth hash than the link names.',
        );
      }
      const contact = await findContact(params.user);
      const wialonUser: WialonOkdeskAuthResult['wialonUser'] = { name: params.user, id: session.userId };
      if (session.operatingAs !== undefined) wialonUser.operatingAs = session.operatingAs;
      return { wialonUser, contact };
    } finally {
      await closing;
    }
  };

  const findContact = async (login: string): Promise<OkdeskContact> => {
    let contact: OkdeskContact | null | undefined;
    try {
      // The built-in client bounds each request itself (a long listing may legitimately take
      // several timeouts); a custom directory gets one overall deadline.
      contact = await (customDirectory
        ? withDeadline(directory.findContactByLogin(login), timeoutMs)
        : directory.findContactByLogin(login));
    } catch (error) {
      if (isWialonAuthError(error)) throw error;
      throw new WialonAuthError('upstream_unavailable', `The contact directory failed (${errorName(error)}).`, {
        upstream: 'okdesk',
      });
    }
    // Exact, case-sensitive: a directory that matches loosely must not let anyone else in.
    if (contact === null || contact === undefined || contact.login !== login) {
      throw new WialonAuthError('unknown_contact', 'No Okdesk contact has this Wialon user name as its login.');
    }
    return contact;
  };

  const safe = (details: Record<string, unknown>, secrets: Array<string | undefined> = []) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(details)) {
      if (value === undefined) continue;
      out[key] = typeof value === 'string' ? redactSecrets(value, [apiToken, ...secrets]).slice(0, 300) : value;
    }
    return out;
  };

  const verify = async (input: WialonLinkInput): Promise<WialonOkdeskAuthResult> => {
    const seen: { user?: string; authHash?: string; baseUrl?: string } = {};
    try {
      const result = await verifyUnlogged(input, seen);
      logger.info(
        'wialon-okdesk-auth: signed in',
        safe({ user: result.wialonUser.name, contactId: result.contact.id }, [seen.authHash]),
      );
      return result;
    } catch (caught) {
      const error = isWialonAuthError(caught)
        ? caught
        : new WialonAuthError('upstream_unavailable', `Unexpected failure (${errorName(caught)}).`);
      logger.warn(
        `wialon-okdesk-auth: refused (${error.reason})`,
        safe(
          {
            reason: error.reason,
            code: error.code,
            message: error.message,
            user: seen.user,
            baseUrl: seen.baseUrl === undefined ? undefined : (normalizeBaseUrl(seen.baseUrl) ?? '(malformed)'),
            wialonError: error.wialonError,
            upstream: error.upstream,
            upstreamStatus: error.upstreamStatus,
          },
          [seen.authHash],
        ),
      );
      throw error;
    }
  };

  const handle = async (request: Request): Promise<Response> => {
    if (!options.onSuccess && !options.portalLoginLink && !loginLink) {
      throw new ConfigurationError(
        'handle() does not know what to answer a successful login with: pass onSuccess(result, request) or portalLoginLink(result, request); or, if your Okdesk account offers the (undocumented) POST /api/v1/login_link, set okdesk.loginLink: true. verify() needs none of them.',
      );
    }
    // Only GET: link scanners that send HEAD/POST must not burn the one-time hash.
    if (request.method !== 'GET') return refusalPage('method_not_allowed', 405);
    let result: WialonOkdeskAuthResult;
    try {
      result = await verify(new URL(request.url).searchParams);
    } catch (error) {
      const authError = error as WialonAuthError;
      return refusalPage(authError.reason, statusFor(authError));
    }
    if (options.onSuccess) return options.onSuccess(result, request);
    let location: string;
    try {
      const link = options.portalLoginLink
        ? await options.portalLoginLink(result, request)
        : await (loginLink as NonNullable<typeof loginLink>)(result.contact);
      location = new URL(String(link)).toString();
      // A link that carries the api_token (an Okdesk that echoes the request URL) would hand it to
      // the browser, its history and the portal's logs: refuse it, in whatever encoding it hides.
      if (apiToken !== undefined && carriesSecret(location, apiToken)) {
        throw new WialonAuthError('upstream_unavailable', 'the login link contains the Okdesk api_token', {
          upstream: 'okdesk',
        });
      }
    } catch (error) {
      logger.warn(
        'wialon-okdesk-auth: refused (upstream_unavailable)',
        safe({
          reason: 'upstream_unavailable',
          message: `No portal login link (${errorMessageIfOurs(error)}).`,
          user: result.wialonUser.name,
        }),
      );
      return refusalPage('upstream_unavailable', 502);
    }
    return new Response(null, { status: 302, headers: { ...SAFE_HEADERS, location } });
  };

  return { verify, handle };
}

function statusFor(error: WialonAuthError): number {
  if (error.reason === 'upstream_unavailable' && error.upstream === 'replay_store') return 503;
  return statusForReason(error.reason);
}

function resolveDirectory(
  okdesk: WialonOkdeskAuthOptions['okdesk'],
  fetchImpl: typeof fetch | undefined,
  timeoutMs: number,
): {
  directory: ContactDirectory;
  apiToken: string | undefined;
  loginLink: ((contact: OkdeskContact) => Promise<string>) | undefined;
} {
  if (typeof okdesk !== 'object' || okdesk === null) {
    throw new ConfigurationError(
      'okdesk must be { baseUrl, apiToken } (Okdesk REST API) or an object with findContactByLogin(login).',
    );
  }
  if ('findContactByLogin' in okdesk) {
    if (typeof okdesk.findContactByLogin !== 'function') {
      throw new ConfigurationError('okdesk.findContactByLogin must be a function (login) => Promise<contact | null>.');
    }
    if (okdesk.createLoginLink !== undefined && typeof okdesk.createLoginLink !== 'function') {
      throw new ConfigurationError('okdesk.createLoginLink must be a function (contact) => Promise<string>.');
    }
    return { directory: okdesk, apiToken: undefined, loginLink: okdesk.createLoginLink?.bind(okdesk) };
  }
  const { loginLink: useLoginLink, ...clientOptions } = okdesk;
  if (useLoginLink !== undefined && typeof useLoginLink !== 'boolean') {
    throw new ConfigurationError('okdesk.loginLink must be true or false.');
  }
  const directory = createOkdeskClient({
    ...clientOptions,
    timeoutMs,
    ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }),
  });
  return {
    directory,
    apiToken: okdesk.apiToken,
    loginLink: useLoginLink === true ? (contact) => directory.createLoginLink(contact) : undefined,
  };
}

/**
 * True when `url` holds `secret` in any encoding redactSecrets knows, also once or twice
 * percent-decoded (a base64 or JSON form of the secret inside a query value is percent-encoded).
 * Decoding is per run of escapes, so one malformed `%` cannot shield the rest.
 */
function carriesSecret(url: string, secret: string): boolean {
  let text = url;
  for (let round = 0; round < 3; round++) {
    if (redactSecrets(text, [secret]) !== text) return true;
    text = text.replace(/\+/g, ' ').replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
  return false;
}

async function replayKey(base: string, authHash: string): Promise<string> {
  // The store holds a digest, not the hash: a shared Redis must not become a list of live hashes.
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${base}\n${authHash}`));
  const hex = Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `wialon-okdesk:used-hash:${hex}`;
}

/** Thrown by {@link withDeadline}; only its name reaches errors and logs. */
class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
}

/** `promise`, or a rejection with DeadlineExceeded after `ms`: code we do not control must not hang a login. */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DeadlineExceeded()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function errorName(error: unknown): string {
  return error instanceof Error && /^[A-Za-z]{1,40}$/.test(error.name) ? error.name : 'unknown error';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'unknown error';
}

function errorMessageIfOurs(error: unknown): string {
  return isWialonAuthError(error) ? error.message : errorName(error);
}
