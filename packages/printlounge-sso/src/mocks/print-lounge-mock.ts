import { ConfigurationError, parseHttpUrl } from '@vendorkit/core';
import { HttpResponse, http, type RequestHandler } from 'msw';
import { type AutologinReceiver, createAutologinReceiver } from '../autologin-url.js';
import { PrintLoungeError } from '../errors.js';
import type { AutologinFields } from '../fields.js';
import { type NowOption, nonNegativeSeconds, unixSeconds } from '../options.js';
import type { KeyHandling } from '../passphrase.js';
import { phpQueryParameter } from '../php-query.js';
import { printServerBaseUrl } from '../shop-url.js';
import type { SsoIv, SsoMethod } from '../sso-cipher.js';
import type { SsoFields } from '../sso-fields.js';
import { createSsoReceiver, type SsoReceiver } from '../sso-url.js';

/** One mocked shop: its passphrase, and optionally where it lives, its PHP key handling and its SSO v2 settings. */
export interface MockShopConfig {
  passphrase: string | Uint8Array;
  /** Shop root URL; default `https://NAME.print-server.net` (also answered on `www.` and `http:`). */
  baseUrl?: string;
  /** Default: the mock's `keyHandling`. */
  keyHandling?: KeyHandling;
  /** SSO v2 encryption method of this shop. Default: the mock's `method`. */
  method?: SsoMethod;
  /** SSO v2 IV rule of this shop. Default: the mock's `iv`. */
  iv?: SsoIv;
}

/** Options of {@link createPrintLoungeMock}. */
export interface PrintLoungeMockOptions {
  /** Shops by name: passphrase, or a {@link MockShopConfig}. */
  shops: Record<string, string | Uint8Array | MockShopConfig>;
  /**
   * Root URL of the (only) shop, e.g. `http://127.0.0.1:4010/printlounge` when served by a local
   * sandbox. With several shops give each its own `baseUrl` instead.
   */
  baseUrl?: string;
  /** Clock of the shop; default the current time. */
  now?: NowOption;
  /** Seconds the shop still accepts a link after `valid_to`. Default 30. */
  clockSkewSeconds?: number;
  /** How the shops' PHP treats passphrase lengths. Default `'strict'` (PHP ≥ 5.6). */
  keyHandling?: KeyHandling;
  /** SSO v2 (`sso.php`): the shops' encryption method. Default `'aes-256-cbc'`. */
  method?: SsoMethod;
  /** SSO v2: the shops' IV rule (unconfirmed by the vendor, see `SsoIv`). Default `'passphrase'`. */
  iv?: SsoIv;
  /** SSO v2: seconds a link is accepted after its `request_time`. Default 500 (the vendor's default). */
  maxAgeSeconds?: number;
  /**
   * Default `true`: like `parseAutologinUrl` and `parseSsoUrl`, refuse links with a field twice, a name PHP
   * would rewrite, a piece without `=` or an unknown field (a 400 page, `invalid_field`). Stricter than the
   * real shop, whose parse_str takes the last duplicate, so tests notice spliced links. `false`: read them
   * as PHP would.
   */
  strict?: boolean;
}

/** A login the mock accepted. */
export interface MockLogin {
  shop: string;
  sessionId: string;
  /** Which interface the link used: v1 `autologin.php` or v2 `sso.php`. */
  via: 'autologin' | 'sso';
  fields: (AutologinFields | SsoFields) & Record<string, unknown>;
  /** Unix seconds. */
  at: number;
}

/** What {@link createPrintLoungeMock} returns. */
export interface PrintLoungeMock {
  /** MSW request handlers: `autologin.php`, `sso.php` and `index.php` of every configured shop, plus a 404 for unknown `*.print-server.net` shops. */
  handlers: RequestHandler[];
  /** Accepted logins, oldest first. */
  readonly logins: readonly MockLogin[];
  /** Root URL of each shop by name. */
  readonly shopUrls: Readonly<Record<string, string>>;
  /** The autologin endpoint of a shop (`…/autologin.php`). */
  autologinUrl(shop: string): string;
  /** The SSO v2 endpoint of a shop (`…/sso.php`). */
  ssoUrl(shop: string): string;
  /** Forgets logins and sessions. */
  reset(): void;
}

/** Name of the session cookie the mock sets (a PHP shop's default session cookie). */
export const MOCK_SESSION_COOKIE = 'PHPSESSID';

const STATUS: Record<string, number> = {
  missing_u_data: 400,
  invalid_u_data: 400,
  missing_h: 400,
  invalid_h: 400,
  invalid_url: 400,
  invalid_field: 400,
  missing_field: 400,
  invalid_passphrase: 403,
  expired: 403,
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(status: number, title: string, body: string, headers: Record<string, string> = {}): Response {
  const html = `<!doctype html>\n<html lang="de"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>\n`;
  return new HttpResponse(html, { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers } });
}

function errorPage(error: PrintLoungeError): Response {
  const status = STATUS[error.code] ?? 400;
  return page(
    status,
    'Anmeldung fehlgeschlagen',
    `<h1>Anmeldung fehlgeschlagen</h1><p class="error" data-code="${escapeHtml(error.code)}">${escapeHtml(error.message)}</p>`,
    // A mock aid for tests; the real shop's error format is not documented.
    { 'X-Printlounge-Mock-Error': error.code },
  );
}

/** The vendor's `test=true` answer: the data the shop received, as a table (its real layout is undocumented). */
function testPage(shop: string, received: Record<string, string>): Response {
  const rows = Object.entries(received)
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('');
  return page(
    200,
    `SSO-Test ${shop}`,
    `<h1>SSO-Test</h1><p class="sso-test">Received data (test=true: not logged in)</p><table class="sso-test">${rows}</table>`,
  );
}

/** The raw (still URL-encoded) value of `name` in `url`'s query, as PHP's $_GET would be built from. */
function rawQueryParameter(url: string, name: string): string {
  return phpQueryParameter(new URL(url).search.slice(1), name) ?? '';
}

function randomSessionId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * An in-memory Print-Lounge shop (or several) for MSW: `GET …/autologin.php?u_data=…` (v1) and
 * `GET …/sso.php?h=…` (v2, with the shop's `method` and `iv` settings) decrypt with the shop's
 * passphrase and, like the shop, answer `302` to `…/index.php` with a session cookie (`PHPSESSID`);
 * `…/index.php` then shows "Logged in as <user>". A v2 link with `test=true` shows the received data
 * instead (the vendor's feature for checking a setup). Missing or bad `u_data`/`h`, wrong passphrase
 * (or v2 method/IV), missing/invalid fields and expired links get an HTML error page (400/403; the real
 * shop's error pages are undocumented, so status and wording are this mock's choice).
 */
export function createPrintLoungeMock(options: PrintLoungeMockOptions): PrintLoungeMock {
  if (typeof options !== 'object' || options === null || typeof options.shops !== 'object' || options.shops === null) {
    throw new ConfigurationError('createPrintLoungeMock: pass { shops: { name: passphrase } }.');
  }
  const names = Object.keys(options.shops);
  if (names.length === 0) throw new ConfigurationError('createPrintLoungeMock: shops must name at least one shop.');
  if (options.baseUrl !== undefined && names.length !== 1) {
    throw new ConfigurationError(
      'createPrintLoungeMock: baseUrl is for a single shop; give each of several shops its own baseUrl.',
    );
  }
  const skew = nonNegativeSeconds(options.clockSkewSeconds ?? 30, 'clockSkewSeconds');
  unixSeconds(options.now); // fail early on a bad clock

  const logins: MockLogin[] = [];
  const sessions = new Map<string, MockLogin>();
  const shopUrls: Record<string, string> = {};
  const handlers: RequestHandler[] = [];

  for (const name of names) {
    const entry = options.shops[name]!;
    const config: MockShopConfig =
      typeof entry === 'string' || entry instanceof Uint8Array ? { passphrase: entry } : entry;
    const keyHandling = config.keyHandling ?? options.keyHandling;
    let receiver: AutologinReceiver;
    let ssoReceiver: SsoReceiver;
    try {
      receiver = createAutologinReceiver({
        passphrase: config.passphrase,
        keyHandling,
        clockSkewSeconds: skew,
        strict: options.strict ?? true,
      });
      ssoReceiver = createSsoReceiver({
        passphrase: config.passphrase,
        method: config.method ?? options.method,
        iv: config.iv ?? options.iv,
        maxAgeSeconds: options.maxAgeSeconds,
        clockSkewSeconds: skew,
        strict: options.strict ?? true,
      });
    } catch (error) {
      throw new ConfigurationError(`createPrintLoungeMock: shop ${JSON.stringify(name)}: ${(error as Error).message}`);
    }
    const explicitBase = config.baseUrl ?? options.baseUrl;
    const root = (
      explicitBase === undefined ? new URL(printServerBaseUrl(name)) : parseHttpUrl('baseUrl', explicitBase)
    ).href.replace(/\/+$/, '');
    shopUrls[name] = root;
    const rootPattern =
      explicitBase === undefined
        ? `https?://(?:www\\.)?${escapeRegExp(name.toLowerCase())}\\.print-server\\.net`
        : escapeRegExp(root);
    const cookiePath = new URL(`${root}/`).pathname;

    /** Starts a session like the shop: 302 to index.php (with the landing page) and a session cookie. */
    const logIn = (via: MockLogin['via'], fields: MockLogin['fields'], requestUrl: string): Response => {
      const login: MockLogin = { shop: name, sessionId: randomSessionId(), via, fields, at: unixSeconds(options.now) };
      logins.push(login);
      sessions.set(login.sessionId, login);
      const target = new URL('index.php', requestUrl);
      if (fields.dest_page) target.searchParams.set('dest_page', String(fields.dest_page));
      if (fields.dest_id) target.searchParams.set('dest_id', String(fields.dest_id));
      return new HttpResponse(null, {
        status: 302,
        headers: {
          Location: target.href,
          'Set-Cookie': `${MOCK_SESSION_COOKIE}=${login.sessionId}; Path=${cookiePath}; HttpOnly; SameSite=Lax`,
        },
      });
    };

    handlers.push(
      http.get(new RegExp(`^${rootPattern}/autologin\\.php$`, 'i'), ({ request }) => {
        try {
          return logIn('autologin', receiver.parse(request.url, { now: options.now }), request.url);
        } catch (error) {
          if (error instanceof PrintLoungeError) return errorPage(error);
          throw error;
        }
      }),
      // SSO v2 (VENDORS.md "Print-Lounge SSO v2" [C]): one parameter h, the shop's method and passphrase,
      // request_time valid 500 s by default; `test=true` shows the received data instead of logging in.
      // The IV rule is [G] (unconfirmed) and set by the mock's `iv` option like the sender's.
      http.get(new RegExp(`^${rootPattern}/sso\\.php$`, 'i'), ({ request }) => {
        try {
          const fields = ssoReceiver.parse(request.url, { now: options.now });
          if (fields.test === 'true') return testPage(name, ssoReceiver.decode(rawQueryParameter(request.url, 'h')));
          return logIn('sso', fields, request.url);
        } catch (error) {
          if (error instanceof PrintLoungeError) return errorPage(error);
          throw error;
        }
      }),
      http.get(new RegExp(`^${rootPattern}/index\\.php$`, 'i'), ({ request }) => {
        const login = sessions.get(cookieValue(request.headers.get('cookie'), MOCK_SESSION_COOKIE) ?? '');
        if (login === undefined || login.shop !== name) {
          return page(401, 'Anmeldung', '<h1>Anmeldung</h1><p class="login">Not logged in. Please sign in.</p>');
        }
        const destination = new URL(request.url).searchParams;
        const where = destination.get('dest_page')
          ? `<p class="destination">Page ${escapeHtml(destination.get('dest_page') ?? '')} ${escapeHtml(destination.get('dest_id') ?? '')}</p>`
          : '';
        const fields = login.fields as Record<string, unknown>;
        const longName =
          fields.customer_longname ??
          ([fields.customer_firstname, fields.customer_lastname].filter(Boolean).join(' ') || undefined);
        const displayName = longName ? ` (${escapeHtml(String(longName))})` : '';
        return page(
          200,
          `Shop ${name}`,
          `<h1>Shop ${escapeHtml(name)}</h1><p class="user">Logged in as <span id="user">${escapeHtml(login.fields.customer_user_name)}</span>${displayName}</p>${where}`,
        );
      }),
    );
  }

  handlers.push(
    http.get(/^https?:\/\/(?:www\.)?[a-z0-9-]+\.print-server\.net\/(?:autologin|sso)\.php$/i, () =>
      page(
        404,
        'Shop nicht gefunden',
        '<h1>Shop nicht gefunden</h1><p class="error" data-code="unknown_shop">No such shop.</p>',
      ),
    ),
  );

  return {
    handlers,
    get logins() {
      return logins;
    },
    shopUrls,
    autologinUrl(shop) {
      const root = shopUrls[shop];
      if (root === undefined) throw new ConfigurationError(`No mocked shop named ${JSON.stringify(shop)}.`);
      return `${root}/autologin.php`;
    },
    ssoUrl(shop) {
      const root = shopUrls[shop];
      if (root === undefined) throw new ConfigurationError(`No mocked shop named ${JSON.stringify(shop)}.`);
      return `${root}/sso.php`;
    },
    reset() {
      logins.length = 0;
      sessions.clear();
    },
  };
}
