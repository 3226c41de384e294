import {
  type ClientHooks,
  ConfigurationError,
  createMemoryStore,
  isVendorkitError,
  type Logger,
  type Requester,
  type RequestOptions,
  redactSecrets,
  type Store,
} from '@vendorkit/core';
import { refusalPage, SAFE_HEADERS } from './error-page.js';
import { isWialonAuthError, statusForReason, WialonAuthError } from './errors.js';
import {
  type CallScope,
  callScope,
  checkObservers,
  checkTimeoutMs,
  createUpstreamRequester,
  type HttpSettings,
  liveSecrets,
} from './http.js';
import { parseLinkParams, type WialonLinkInput } from './link-params.js';
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
export interface OkdeskApiOptions extends Omit<OkdeskClientOptions, 'fetch' | 'timeoutMs' | 'logger' | 'hooks'> {
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
  /**
   * Deadline of one upstream request attempt (headers and body), and of each call to the replay
   * store and a custom directory, in milliseconds. Default 10 000. Pass `timeoutMs` to `verify()`
   * to bound a whole check.
   */
  timeoutMs?: number;
  /** How long a hash is remembered as used, in milliseconds. Wialon hashes live 2 minutes: default 120 000. */
  authHashLifetimeMs?: number;
  /** @deprecated Use `authHashLifetimeMs` (milliseconds); this alias (seconds) goes in the next minor release. */
  authHashLifetimeSeconds?: number;
  /** `handle()` answers success with this Response (e.g. set your own session cookie and redirect). */
  onSuccess?: (result: WialonOkdeskAuthResult, request: Request) => Response | Promise<Response>;
  /** `handle()` redirects (302) to this URL on success when `onSuccess` is not given. */
  portalLoginLink?: (result: WialonOkdeskAuthResult, request: Request) => string | URL | Promise<string | URL>;
  /**
   * Told every refusal (`warn`), success and cancelled check (`info`), and every upstream
   * request (`debug`). Never given the auth hash, the `api_token` or a Wialon session id.
   * Default: none — nothing is written anywhere.
   */
  logger?: Logger;
  /**
   * `onRequest`, `onResponse`, `onRetry`, `onError` for every upstream request (Wialon and the
   * built-in Okdesk client), for metrics and tracing; secrets are redacted from what they see.
   */
  hooks?: ClientHooks;
}

/** A configured Wialon → Okdesk pass-through login. */
export interface WialonOkdeskAuth {
  /**
   * Checks a Wialon application link and resolves the Wialon user and Okdesk contact, or
   * rejects with a {@link WialonAuthError}. Each hash is accepted once. Needs neither
   * `onSuccess` nor a login link.
   *
   * `options.signal` cancels the check: it rejects at once with the signal's reason and the
   * upstream requests are aborted. A hash already claimed stays used (a replayed link must never
   * work because its first use was cancelled); the Wialon session is still logged out.
   * `options.timeoutMs` bounds the whole check (`upstream_unavailable` when it passes);
   * `options.headers` are added to every upstream request.
   */
  verify(input: WialonLinkInput, options?: RequestOptions): Promise<WialonOkdeskAuthResult>;
  /**
   * A fetch-style handler (Hono, Next.js route handlers, Bun, Deno, `toNodeHandler`): GET only;
   * success → `onSuccess`, else a 302 to the portal login link; refusal → an HTML page with
   * 400/403/502/503. Rejects with a ConfigurationError when no success answer is configured.
   * `request.signal` cancels the upstream calls (a client that goes away); `handle()` then
   * rejects with its reason.
   */
  handle(request: Request): Promise<Response>;
}

const HASH_SHAPE = /^[\x21-\x7e]+$/;

/** What one `verify()` has learnt so far: for its log line and the secrets it must redact. */
interface VerifyState {
  user?: string;
  authHash?: string;
  baseUrl?: string;
  /** True once the hash is claimed in the replay store: it stays used, whatever happens next. */
  claimed?: boolean;
  /** Releases the secrets held for this check; called once its logout has settled. */
  releases: Array<() => void>;
  /** The logout of the session this check opened, when it opened one. */
  closing?: Promise<void>;
}

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
  const timeoutMs = checkTimeoutMs('timeoutMs', options.timeoutMs, 10_000);
  const ttlMs = hashLifetimeMs(options);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ConfigurationError('fetch must be a function (a fetch implementation).');
  }
  for (const name of ['onSuccess', 'portalLoginLink'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new ConfigurationError(`${name} must be a function.`);
    }
  }
  checkObservers(options);
  const { logger } = options;
  const replayStore = options.replayStore ?? createMemoryStore();
  if (typeof replayStore?.setIfAbsent !== 'function') {
    throw new ConfigurationError('replayStore must implement the vendorkit Store interface (setIfAbsent is required).');
  }
  // Hashes and session ids of checks in flight, redacted from whatever hooks and the logger see.
  const secrets = liveSecrets();
  const settings: HttpSettings = {
    fetch: options.fetch,
    timeoutMs,
    logger,
    hooks: options.hooks,
    redact: (text) => redactSecrets(text, secrets.current()),
  };
  const { directory, apiToken, loginLink } = resolveDirectory(options.okdesk, settings);
  const customDirectory = apiToken === undefined;
  // One requester per trusted server: a link can only pick one of these, never name a new one.
  const wialonServers = new Map<string, Requester>(
    trusted.map((entry) => [entry.normalized, createUpstreamRequester(`${entry.normalized}/`, 'wialon', settings)]),
  );

  const verifyUnlogged = async (
    input: WialonLinkInput,
    scope: CallScope,
    state: VerifyState,
  ): Promise<WialonOkdeskAuthResult> => {
    const params = parseLinkParams(input);
    state.user = params.user;
    state.baseUrl = params.baseUrl;
    state.authHash = params.authHash;
    const base = matchTrustedBaseUrl(params.baseUrl, trusted);
    const wialon = base === undefined ? undefined : wialonServers.get(base.normalized);
    if (base === undefined || wialon === undefined) {
      throw new WialonAuthError(
        'untrusted_base_url',
        'The link names a Wialon server that is not in trustedWialonBaseUrls; nothing was sent to it.',
      );
    }
    if (!HASH_SHAPE.test(params.authHash)) {
      throw new WialonAuthError('invalid_auth_hash', 'The auth hash contains characters a Wialon hash never has.');
    }
    state.releases.push(secrets.hold(params.authHash));

    let claimed: boolean;
    try {
      const key = await replayKey(base.normalized, params.authHash);
      claimed = await scope.bound(
        replayStore.setIfAbsent(key, '1', { ttlMs }),
        timeoutMs,
        () => new DeadlineExceeded(),
      );
    } catch (error) {
      if (isAbortOf(scope, error)) throw error;
      if (isVendorkitError(error, 'store_full')) {
        throw new WialonAuthError(
          'replay_store_full',
          'The replay store is full of live used-hash marks and refuses new ones rather than forget one (a flood of links, or more logins per authHashLifetimeMs than it holds); nothing was sent to Wialon. Raise maxEntries of the memory store, or use a shared store such as @vendorkit/redis-store.',
        );
      }
      throw new WialonAuthError('upstream_unavailable', `The replay store failed (${errorName(error)}).`, {
        upstream: 'replay_store',
      });
    }
    if (!claimed) throw new WialonAuthError('replayed', 'This auth hash was already used; each link works once.');
    state.claimed = true;

    // From here on the hash is used, whatever happens: an aborted or failed check never frees it.
    const session = await useAuthHash(wialon, params.authHash, scope.requestOptions());
    state.releases.push(secrets.hold(session.sessionId));
    // Logout is always attempted, also when the caller aborts or its deadline passes: it runs
    // without the call's signal, under the client's own request deadline.
    const headers = scope.requestOptions().headers;
    state.closing = logout(wialon, session.sessionId, headers === undefined ? {} : { headers }).then(
      () => undefined,
      (error: unknown) =>
        logger?.warn?.(
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
      const contact = await findContact(params.user, scope);
      const wialonUser: WialonOkdeskAuthResult['wialonUser'] = { name: params.user, id: session.userId };
      if (session.operatingAs !== undefined) wialonUser.operatingAs = session.operatingAs;
      return { wialonUser, contact };
    } finally {
      // Wait for the logout, but not past the call's abort or deadline: then it ends in the background.
      await scope
        .bound(state.closing, undefined, () => new DeadlineExceeded())
        .catch((error: unknown) => {
          if (isAbortOf(scope, error)) throw error;
        });
    }
  };

  const findContact = async (login: string, scope: CallScope): Promise<OkdeskContact> => {
    let contact: OkdeskContact | null | undefined;
    try {
      // The built-in client bounds each request itself (a long listing may legitimately take
      // several timeouts); a custom directory gets one overall deadline.
      contact = await (customDirectory
        ? scope.bound(
            directory.findContactByLogin(login, scope.requestOptions()),
            timeoutMs,
            () => new DeadlineExceeded(),
          )
        : directory.findContactByLogin(login, scope.requestOptions()));
    } catch (error) {
      if (isWialonAuthError(error) || isAbortOf(scope, error)) throw error;
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

  const safe = (details: Record<string, unknown>, extraSecrets: Array<string | undefined> = []) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(details)) {
      if (value === undefined) continue;
      out[key] = typeof value === 'string' ? redactSecrets(value, [apiToken, ...extraSecrets]).slice(0, 300) : value;
    }
    return out;
  };

  const verify = async (input: WialonLinkInput, callOptions?: RequestOptions): Promise<WialonOkdeskAuthResult> => {
    const scope = callScope(callOptions);
    const state: VerifyState = { releases: [] };
    const shownBaseUrl = () =>
      state.baseUrl === undefined ? undefined : (normalizeBaseUrl(state.baseUrl) ?? '(malformed)');
    try {
      scope.signal?.throwIfAborted();
      const result = await verifyUnlogged(input, scope, state);
      logger?.info?.(
        'wialon-okdesk-auth: signed in',
        safe({ user: result.wialonUser.name, contactId: result.contact.id }, [state.authHash]),
      );
      return result;
    } catch (caught) {
      if (isAbortOf(scope, caught)) {
        logger?.info?.(
          'wialon-okdesk-auth: cancelled by the caller',
          safe(
            {
              user: state.user,
              baseUrl: shownBaseUrl(),
              hashUsed: state.claimed === true,
            },
            [state.authHash],
          ),
        );
        throw caught;
      }
      const error = isWialonAuthError(caught)
        ? caught
        : new WialonAuthError('upstream_unavailable', `Unexpected failure (${errorName(caught)}).`);
      logger?.warn?.(
        `wialon-okdesk-auth: refused (${error.reason})`,
        safe(
          {
            reason: error.reason,
            code: error.code,
            message: error.message,
            user: state.user,
            baseUrl: shownBaseUrl(),
            wialonError: error.wialonError,
            upstream: error.upstream,
            upstreamStatus: error.upstreamStatus,
            requestId: error.requestId,
          },
          [state.authHash],
        ),
      );
      throw error;
    } finally {
      const release = () => {
        for (const done of state.releases) done();
      };
      if (state.closing === undefined) release();
      else void state.closing.then(release);
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
    const signal = request.signal;
    let result: WialonOkdeskAuthResult;
    try {
      result = await verify(new URL(request.url).searchParams, { signal });
    } catch (error) {
      if (!isWialonAuthError(error)) throw error; // the client went away: nobody to answer
      return refusalPage(error.reason, statusFor(error));
    }
    if (options.onSuccess) return options.onSuccess(result, request);
    let location: string;
    try {
      const link = options.portalLoginLink
        ? await options.portalLoginLink(result, request)
        : await (loginLink as NonNullable<typeof loginLink>)(result.contact, { signal });
      location = new URL(String(link)).toString();
      // A link that carries the api_token (an Okdesk that echoes the request URL) would hand it to
      // the browser, its history and the portal's logs: refuse it, in whatever encoding it hides.
      if (apiToken !== undefined && carriesSecret(location, apiToken)) {
        throw new WialonAuthError('upstream_unavailable', 'the login link contains the Okdesk api_token', {
          upstream: 'okdesk',
        });
      }
    } catch (error) {
      if (signal.aborted && error === signal.reason) throw error;
      logger?.warn?.(
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

/** `authHashLifetimeMs`, or its deprecated alias `authHashLifetimeSeconds` in milliseconds. Default 120 000. */
function hashLifetimeMs(options: WialonOkdeskAuthOptions): number {
  const { authHashLifetimeMs, authHashLifetimeSeconds } = options;
  if (authHashLifetimeSeconds === undefined) {
    return checkTimeoutMs('authHashLifetimeMs', authHashLifetimeMs, 120_000);
  }
  if (authHashLifetimeMs !== undefined) {
    throw new ConfigurationError(
      'Pass authHashLifetimeMs only: authHashLifetimeSeconds is its deprecated alias in seconds.',
    );
  }
  if (
    typeof authHashLifetimeSeconds !== 'number' ||
    !Number.isFinite(authHashLifetimeSeconds) ||
    authHashLifetimeSeconds <= 0
  ) {
    throw new ConfigurationError(
      `authHashLifetimeSeconds (deprecated: use authHashLifetimeMs) must be a positive number of seconds, got ${String(authHashLifetimeSeconds)}.`,
    );
  }
  return authHashLifetimeSeconds * 1000;
}

/** True when `error` is the reason of the call's aborted signal (rethrown as is, never a refusal). */
function isAbortOf(scope: CallScope, error: unknown): boolean {
  return scope.signal?.aborted === true && error === scope.signal.reason;
}

function statusFor(error: WialonAuthError): number {
  if (error.reason === 'upstream_unavailable' && error.upstream === 'replay_store') return 503;
  return statusForReason(error.reason);
}

function resolveDirectory(
  okdesk: WialonOkdeskAuthOptions['okdesk'],
  settings: HttpSettings,
): {
  directory: ContactDirectory;
  apiToken: string | undefined;
  loginLink: ((contact: OkdeskContact, options: RequestOptions) => Promise<string>) | undefined;
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
    timeoutMs: settings.timeoutMs,
    ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
    ...(settings.logger === undefined ? {} : { logger: settings.logger }),
    ...(settings.hooks === undefined ? {} : { hooks: settings.hooks }),
  });
  return {
    directory,
    apiToken: okdesk.apiToken,
    loginLink:
      useLoginLink === true ? (contact, callOptions) => directory.createLoginLink(contact, callOptions) : undefined,
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

/** A replay store or custom directory past its deadline; only its name reaches errors and logs. */
class DeadlineExceeded extends Error {
  override name = 'DeadlineExceeded';
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
