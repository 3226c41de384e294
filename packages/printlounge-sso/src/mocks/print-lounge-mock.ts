import { ConfigurationError, parseHttpUrl } from '@vendorkit/core';
import { HttpResponse, http, type RequestHandler } from 'msw';
import { type AutologinReceiver, createAutologinReceiver } from '../autologin-url.js';
import { PrintLoungeError } from '../errors.js';
import type { AutologinFields } from '../fields.js';
import { type NowOption, nonNegativeSeconds, unixSeconds } from '../options.js';
import type { KeyHandling } from '../passphrase.js';
import { printServerBaseUrl } from '../shop-url.js';

/** One mocked shop: its passphrase, and optionally where it lives and its PHP key handling. */
export interface MockShopConfig {
  passphrase: string | Uint8Array;
  /** Shop root URL; default `https://NAME.print-server.net` (also answered on `www.` and `http:`). */
  baseUrl?: string;
  /** Default: the mock's `keyHandling`. */
  keyHandling?: KeyHandling;
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
}

/** A login the mock accepted. */
export interface MockLogin {
  shop: string;
  sessionId: string;
  fields: AutologinFields & Record<string, unknown>;
  /** Unix seconds. */
  at: number;
}

/** What {@link createPrintLoungeMock} returns. */
export interface PrintLoungeMock {
  /** MSW request handlers: `autologin.php` and `index.php` of every configured shop, plus a 404 for unknown `*.print-server.net` shops. */
  handlers: RequestHandler[];
  /** Accepted logins, oldest first. */
  readonly logins: readonly MockLogin[];
  /** Root URL of each shop by name. */
  readonly shopUrls: Readonly<Record<string, string>>;
  /** The autologin endpoint of a shop (`…/autologin.php`). */
  autologinUrl(shop: string): string;
  /** Forgets logins and sessions. */
  reset(): void;
}

/** Name of the session cookie the mock sets (a PHP shop's default session cookie). */
export const MOCK_SESSION_COOKIE = 'PHPSESSID';

const STATUS: Record<string, number> = {
  missing_u_data: 400,
  invalid_u_data: 400,
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
 * An in-memory Print-Lounge shop (or several) for MSW: `GET …/autologin.php?u_data=…` decrypts with the
 * shop's passphrase and, like the shop, answers `302` to `…/index.php` with a session cookie
 * (`PHPSESSID`); `…/index.php` then shows "Logged in as <user>". Missing or bad `u_data`, wrong
 * passphrase, missing/invalid fields and expired links get an HTML error page (400/403; the real
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
    try {
      receiver = createAutologinReceiver({ passphrase: config.passphrase, keyHandling, clockSkewSeconds: skew });
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

    handlers.push(
      http.get(new RegExp(`^${rootPattern}/autologin\\.php$`, 'i'), ({ request }) => {
        const requestRoot = request.url.slice(0, request.url.indexOf('/autologin.php'));
        try {
          const fields = receiver.parse(request.url, { now: options.now });
          const login: MockLogin = { shop: name, sessionId: randomSessionId(), fields, at: unixSeconds(options.now) };
          logins.push(login);
          sessions.set(login.sessionId, login);
          const target = new URL(`${requestRoot}/index.php`);
          if (fields.dest_page) target.searchParams.set('dest_page', String(fields.dest_page));
          if (fields.dest_id) target.searchParams.set('dest_id', String(fields.dest_id));
          return new HttpResponse(null, {
            status: 302,
            headers: {
              Location: target.href,
              'Set-Cookie': `${MOCK_SESSION_COOKIE}=${login.sessionId}; Path=${cookiePath}; HttpOnly; SameSite=Lax`,
            },
          });
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
        const displayName = login.fields.customer_longname
          ? ` (${escapeHtml(String(login.fields.customer_longname))})`
          : '';
        return page(
          200,
          `Shop ${name}`,
          `<h1>Shop ${escapeHtml(name)}</h1><p class="user">Logged in as <span id="user">${escapeHtml(login.fields.customer_user_name)}</span>${displayName}</p>${where}`,
        );
      }),
    );
  }

  handlers.push(
    http.get(/^https?:\/\/(?:www\.)?[a-z0-9-]+\.print-server\.net\/autologin\.php$/i, () =>
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
    reset() {
      logins.length = 0;
      sessions.clear();
    },
  };
}
