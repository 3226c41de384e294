import { type ClientHooks, ConfigurationError, type Logger, type RequestOptions, redactSecrets } from '@vendorkit/core';
import * as z from 'zod/mini';
import { WialonAuthError } from './errors.js';
import { callScope, checkObservers, checkTimeoutMs, createUpstreamRequester } from './http.js';
import { normalizeBaseUrl } from './trusted-base-urls.js';
import { ajaxCall } from './wialon-api.js';

/** Options of {@link createWialonAppLink}. */
export interface WialonAppLinkOptions {
  /** The Wialon API base URL, e.g. `https://hst-api.wialon.com` (also what the link's `baseUrl` says). */
  wialonBaseUrl: string;
  /** A Wialon token (72 characters) of the user who "clicks": the link is made for this user. A secret. */
  token: string;
  /** The application URL registered in Wialon, e.g. `https://ACCOUNT.okdesk.ru/wialonauth`. */
  appUrl: string;
  /** The `lang` parameter Wialon appends. Default `en`. */
  lang?: string;
  /** A `fetch` implementation; default `globalThis.fetch` (late-bound). */
  fetch?: typeof fetch;
  /** Deadline per request (headers and body), in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** Told every request (`debug`); the token, session id and hash are redacted. Default: silent. */
  logger?: Logger;
  /** `onRequest`, `onResponse`, `onRetry`, `onError` for each request to Wialon. */
  hooks?: ClientHooks;
}

const errorAnswer = z.looseObject({ error: z.int() });
const loginAnswer = z.looseObject({
  eid: z.string().check(z.minLength(1), z.maxLength(512)),
  au: z.string().check(z.minLength(1), z.maxLength(1024)),
});
const hashAnswer = z.looseObject({ authHash: z.string().check(z.regex(/^[\x21-\x7e]{1,512}$/)) });

/**
 * Makes the link Wialon opens when the token's user clicks an application with the options
 * Current user, Base URL and Authorize hash: `appUrl?authHash=…&user=…&baseUrl=…&lang=…`. It
 * signs in with `token/login`, asks `core/create_auth_hash` in that session (the hash is valid
 * 2 minutes) and names the signed-in user (`au`). For trying a receiver from a shell or a test
 * (`vendorkit wialon app-link`), against Wialon or the sandbox.
 *
 * The session is left to expire (Wialon ends idle sessions after 5 minutes): whether a hash
 * outlives a logout of the session that made it is not documented. Rejects with a
 * ConfigurationError for bad options and a {@link WialonAuthError} (`upstream_unavailable`,
 * with `wialonError`) when Wialon refuses; the token never appears in either, nor in the link.
 * `callOptions.signal` cancels it (rejects at once with the signal's reason); `timeoutMs` there
 * bounds the whole call.
 */
export async function createWialonAppLink(
  options: WialonAppLinkOptions,
  callOptions?: RequestOptions,
): Promise<string> {
  const base = typeof options?.wialonBaseUrl === 'string' ? normalizeBaseUrl(options.wialonBaseUrl) : undefined;
  if (base === undefined) {
    throw new ConfigurationError(
      'wialonBaseUrl must be a plain http(s) base URL without user info, query or fragment, e.g. "https://hst-api.wialon.com".',
    );
  }
  if (typeof options.token !== 'string' || !/^[\x21-\x7e]{1,512}$/.test(options.token)) {
    throw new ConfigurationError(
      "token must be a Wialon token (72 characters, from Wialon's login page or token/list), without spaces.",
    );
  }
  const appUrl = parseAppUrl(options.appUrl);
  const lang = options.lang ?? 'en';
  if (typeof lang !== 'string' || !/^[a-z]{2}$/.test(lang)) {
    throw new ConfigurationError('lang must be a two-letter language code such as "en".');
  }
  const timeoutMs = checkTimeoutMs('timeoutMs', options.timeoutMs, 10_000);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ConfigurationError('fetch must be a function (a fetch implementation).');
  }
  checkObservers(options);
  const scope = callScope(callOptions);
  // The token, then the session id: redacted from everything hooks and the logger are shown.
  const secrets = [options.token];
  const wialon = createUpstreamRequester(`${base}/`, 'wialon', {
    fetch: options.fetch,
    timeoutMs,
    logger: options.logger,
    hooks: options.hooks,
    redact: (text) => redactSecrets(text, secrets),
  });
  const call = async (svc: string, fields: Record<string, string>): Promise<unknown> => {
    const answer = await wialon.request(ajaxCall(svc, new URLSearchParams(fields).toString()), scope.requestOptions());
    let json: unknown;
    try {
      json = answer.status >= 200 && answer.status < 300 ? JSON.parse(answer.text) : undefined;
    } catch {
      json = undefined;
    }
    if (json === undefined) {
      throw new WialonAuthError(
        'upstream_unavailable',
        `Wialon answered ${svc} with HTTP ${answer.status} and no JSON.`,
        {
          upstream: 'wialon',
          upstreamStatus: answer.status,
        },
      );
    }
    const refused = errorAnswer.safeParse(json);
    if (refused.success) {
      const code = refused.data.error;
      throw new WialonAuthError('upstream_unavailable', `Wialon refused ${svc} (error ${code})${HINTS[svc] ?? ''}.`, {
        upstream: 'wialon',
        wialonError: code,
      });
    }
    return json;
  };

  const session = loginAnswer.safeParse(
    await call('token/login', { params: JSON.stringify({ token: options.token, fl: 1 }) }),
  );
  if (!session.success) {
    throw new WialonAuthError(
      'upstream_unavailable',
      'Wialon answered token/login without a session id and user name.',
      {
        upstream: 'wialon',
      },
    );
  }
  secrets.push(session.data.eid);
  const hash = hashAnswer.safeParse(await call('core/create_auth_hash', { params: '{}', sid: session.data.eid }));
  if (!hash.success) {
    throw new WialonAuthError('upstream_unavailable', 'Wialon answered core/create_auth_hash without an auth hash.', {
      upstream: 'wialon',
    });
  }
  // The order Wialon uses: authHash, user, baseUrl, then the other options.
  appUrl.searchParams.append('authHash', hash.data.authHash);
  appUrl.searchParams.append('user', session.data.au);
  appUrl.searchParams.append('baseUrl', base);
  appUrl.searchParams.append('lang', lang);
  return appUrl.toString();
}

const HINTS: Record<string, string> = {
  'token/login':
    ": check the token (72 characters, from Wialon's login page or token/list), that it is activated and not expired, and that it belongs to this Wialon server",
  'core/create_auth_hash': ': the token may lack the access rights to make auth hashes',
};

function parseAppUrl(raw: unknown): URL {
  let url: URL | undefined;
  try {
    url = typeof raw === 'string' ? new URL(raw) : undefined;
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.hash !== ''
  ) {
    throw new ConfigurationError(
      'appUrl must be the http(s) application URL registered in Wialon, without user info or fragment, e.g. "https://ACCOUNT.okdesk.ru/wialonauth".',
    );
  }
  return url;
}
