import {
  type ClientHooks,
  ConfigurationError,
  type Logger,
  parseHttpUrl,
  type RequesterResponse,
  type RequestOptions,
  redactSecrets,
  settleWithin,
} from '@vendorkit/core';
import * as z from 'zod/mini';
import { WialonAuthError } from './errors.js';
import { callScope, checkObservers, checkTimeoutMs, createUpstreamRequester } from './http.js';

/**
 * An Okdesk contact as the API returns it. Only `id` and `login` are relied on; every other
 * field the API sends is kept as is. From the built-in client, `id` is an integer or a plain
 * token of `A-Za-z0-9_-`: safe to put in a URL path.
 */
export interface OkdeskContact {
  id: number | string;
  login: string;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  phone?: string | null;
  company_id?: number | null;
  [field: string]: unknown;
}

/**
 * Any directory of portal users: resolve a login (exact, case-sensitive) to a contact, or null.
 * `options` carries the calling `verify()`'s signal (stop when it aborts), the time left of its
 * `timeoutMs` and its extra headers; a directory may ignore them.
 */
export interface ContactDirectory {
  findContactByLogin(login: string, options?: RequestOptions): Promise<OkdeskContact | null | undefined>;
  /** Optional: a one-time portal login URL for the contact, used by `handle()` to redirect. */
  createLoginLink?(contact: OkdeskContact, options?: RequestOptions): Promise<string>;
}

/** Options of {@link createOkdeskClient}. */
export interface OkdeskClientOptions {
  /** Account URL, e.g. `https://ACCOUNT.okdesk.ru` (or a parked domain). */
  baseUrl: string;
  /** API key from Okdesk settings → API. Sent as the `api_token` query parameter; never printed. */
  apiToken: string;
  /**
   * Try `GET /api/v1/contacts/?login=…` before listing. Okdesk does not document a `login` filter
   * (VENDORS.md §3, [G]): expect it to be ignored. Default false; switch it on only when your
   * account is known to honour it (one request instead of a listing).
   */
  loginFilter?: boolean;
  /** Contacts per list page, 1–100. Default 100. */
  pageSize?: number;
  /** Pages listed at most per lookup before giving up with `upstream_unavailable`. Default 100 (10 000 contacts). */
  maxPages?: number;
  /** A `fetch` implementation; default `globalThis.fetch` (late-bound). */
  fetch?: typeof fetch;
  /**
   * Deadline of one request attempt in milliseconds (headers and body). Default 10 000. Reads are
   * retried twice on network failures, timeouts, 408/429/5xx (jittered backoff); pass a per-call
   * `timeoutMs` to bound a whole lookup.
   */
  timeoutMs?: number;
  /** Told every request (`debug`) and every hook failure (`warn`); the `api_token` is redacted. Default: silent. */
  logger?: Logger;
  /** `onRequest`, `onResponse`, `onRetry`, `onError` for each upstream request; URLs have the `api_token` redacted. */
  hooks?: ClientHooks;
}

/**
 * The small Okdesk client `createWialonOkdeskAuth` uses when given `{ baseUrl, apiToken }`. Each
 * call takes `{ signal?, timeoutMs?, headers? }` last: an abort rejects at once with the signal's
 * reason and stops the listing; `timeoutMs` bounds the whole call (`upstream_unavailable`).
 */
export interface OkdeskClient extends ContactDirectory {
  findContactByLogin(login: string, options?: RequestOptions): Promise<OkdeskContact | null>;
  createLoginLink(contact: OkdeskContact, options?: RequestOptions): Promise<string>;
}

// Okdesk ids are integers; a string id is accepted only as a plain token, so that an id never
// changes a URL path it is put in (no dot segments, slashes, escapes, query or fragment).
const contactSchema = z.looseObject({
  id: z.union([z.int(), z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))]),
  login: z.optional(z.nullable(z.string())),
});
const contactListSchema = z.array(z.unknown()).check(z.maxLength(10_000));
const loginLinkSchema = z.looseObject({
  url: z.optional(z.string()),
  link: z.optional(z.string()),
  login_link: z.optional(z.string()),
});

/** Parses one contact-shaped value; undefined when it is not a contact with a string login. */
function parseOkdeskContact(value: unknown): OkdeskContact | undefined {
  const parsed = contactSchema.safeParse(value);
  if (!parsed.success || typeof parsed.data.login !== 'string') return undefined;
  return parsed.data as OkdeskContact;
}

/**
 * Parses an answer of `GET /api/v1/contacts/list`: an array of contacts. Entries that are not
 * contacts with a login are skipped; anything but an array is `upstream_unavailable`.
 */
export function parseOkdeskContactList(answer: OkdeskAnswer): {
  contacts: OkdeskContact[];
  smallestId: number | undefined;
  count: number;
} {
  const json = okdeskJson(answer, 'contacts/list');
  const list = contactListSchema.safeParse(json);
  if (!list.success) throw okdeskUpstream('Okdesk answered contacts/list with something that is not a list.', answer);
  const contacts: OkdeskContact[] = [];
  let smallestId: number | undefined;
  for (const entry of list.data) {
    const id = (entry as { id?: unknown } | null)?.id;
    if (typeof id === 'number' && Number.isSafeInteger(id)) {
      smallestId = smallestId === undefined ? id : Math.min(smallestId, id);
    }
    const contact = parseOkdeskContact(entry);
    if (contact) contacts.push(contact);
  }
  return { contacts, smallestId, count: list.data.length };
}

/**
 * Builds the Okdesk client. API calls (see README "Okdesk API calls"):
 * - [documented] `GET /api/v1/contacts/list?page[size]=100&page[from_id]=…` — Okdesk's default
 *   (backwards) order: newest first, each next page below the smallest id seen; stops at the
 *   first exact match, a short or empty page, or `maxPages`.
 * - [unconfirmed, opt-in `loginFilter`] `GET /api/v1/contacts/?login=…` — contact search by
 *   login. The answer is trusted only when a returned contact's `login` equals the login exactly;
 *   a server that ignores the filter (returns someone else, or refuses a search without a known
 *   parameter) or rejects it (400) switches this client to listing.
 * - [unconfirmed] `POST /api/v1/login_link` `{user_type:"contact", user_id, one_time:true}` →
 *   `{url}` (or `link` / `login_link`): a one-time portal login URL.
 */
export function createOkdeskClient(options: OkdeskClientOptions): OkdeskClient {
  const base = parseHttpUrl('okdesk.baseUrl', options.baseUrl);
  if (base.username || base.password || base.search || base.hash) {
    throw new ConfigurationError('okdesk.baseUrl must be the account URL only, e.g. "https://ACCOUNT.okdesk.ru".');
  }
  if (typeof options.apiToken !== 'string' || options.apiToken.trim() === '') {
    throw new ConfigurationError('okdesk.apiToken must be the non-empty API key from Okdesk settings → API.');
  }
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
    throw new ConfigurationError(`okdesk.pageSize must be an integer from 1 to 100, got ${String(options.pageSize)}.`);
  }
  const maxPages = options.maxPages ?? 100;
  if (!Number.isInteger(maxPages) || maxPages < 1) {
    throw new ConfigurationError(`okdesk.maxPages must be a positive integer, got ${String(options.maxPages)}.`);
  }
  const timeoutMs = checkTimeoutMs('okdesk.timeoutMs', options.timeoutMs, 10_000);
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new ConfigurationError('okdesk.fetch must be a function (a fetch implementation).');
  }
  checkObservers(options, 'okdesk.');
  const token = options.apiToken;
  const okdesk = createUpstreamRequester(`${base.origin}${base.pathname.replace(/\/+$/, '')}/api/v1/`, 'okdesk', {
    fetch: options.fetch,
    timeoutMs,
    logger: options.logger,
    hooks: options.hooks,
    redact: (text) => redactSecrets(text, [token]),
  });
  let loginFilterUsable = options.loginFilter ?? false;
  const inFlight = new Map<string, SharedLookup>();

  const call = (
    path: string,
    query: Record<string, string>,
    requestOptions: RequestOptions,
    json?: unknown,
  ): Promise<RequesterResponse> =>
    okdesk.request(
      {
        method: json === undefined ? 'GET' : 'POST',
        path,
        query: new URLSearchParams({ api_token: token, ...query }),
        headers: { accept: 'application/json' },
        ...(json === undefined ? {} : { json }),
      },
      requestOptions,
    );

  const viaFilter = async (
    login: string,
    requestOptions: RequestOptions,
  ): Promise<OkdeskContact | null | 'unknown'> => {
    const answer = await call('contacts/', { login }, requestOptions);
    rejectAuthFailure(answer);
    if (answer.status === 404) return 'unknown';
    if (answer.status === 400 || answer.status === 422) {
      loginFilterUsable = false; // the API rejects the parameter: list from now on
      return 'unknown';
    }
    const json = okdeskJson(answer, 'contacts');
    const candidates = (Array.isArray(json) ? json : [json]).map(parseOkdeskContact).filter((c) => c !== undefined);
    const exact = candidates.find((c) => c.login === login);
    if (exact) return exact;
    // Someone else came back: the parameter was ignored, unless only the case differs.
    if (candidates.length > 0 && !candidates.some((c) => c.login.toLowerCase() === login.toLowerCase())) {
      loginFilterUsable = false;
    }
    return 'unknown';
  };

  // Okdesk lists run backwards unless told otherwise (VENDORS.md §3, [C]): the first page holds
  // the largest ids, `page[from_id]` asks for the ids below it. So the cursor is the smallest id
  // seen, and a page whose smallest id does not go down means the end (or a server that ignores
  // the cursor): never a loop.
  const viaList = async (login: string, requestOptions: RequestOptions): Promise<OkdeskContact | null> => {
    let fromId: number | undefined;
    for (let page = 0; page < maxPages; page++) {
      const query: Record<string, string> = { 'page[size]': String(pageSize) };
      if (fromId !== undefined) query['page[from_id]'] = String(fromId);
      const answer = await call('contacts/list', query, requestOptions);
      rejectAuthFailure(answer);
      const { contacts, smallestId, count } = parseOkdeskContactList(answer);
      const exact = contacts.find((c) => c.login === login);
      if (exact) return exact;
      if (count === 0 || smallestId === undefined || (fromId !== undefined && smallestId >= fromId)) return null;
      fromId = smallestId;
    }
    throw okdeskUpstream(
      `Okdesk has more than ${maxPages * pageSize} contacts to list; raise okdesk.maxPages or pass a findContactByLogin directory.`,
    );
  };

  const lookup = async (login: string, requestOptions: RequestOptions): Promise<OkdeskContact | null> => {
    if (loginFilterUsable) {
      const found = await viaFilter(login, requestOptions);
      if (found !== 'unknown') return found;
    }
    return viaList(login, requestOptions);
  };

  const lookupTimedOut = () =>
    okdeskUpstream('Okdesk did not finish the contact lookup within the timeoutMs of the call.');

  return {
    findContactByLogin(login, callOptions) {
      const scope = callScope(callOptions);
      // A call with its own headers makes its own requests.
      if (callOptions?.headers !== undefined) return lookup(login, scope.requestOptions());
      // Concurrent lookups of one login share one scan. Each caller waits with its own signal and
      // deadline; the scan is cancelled when the last caller waiting for it has gone.
      let shared = inFlight.get(login);
      if (shared === undefined) {
        const controller = new AbortController();
        const promise = lookup(login, { signal: controller.signal });
        const created: SharedLookup = { promise, controller, waiting: 0 };
        promise.then(
          () => inFlight.get(login) === created && inFlight.delete(login),
          () => inFlight.get(login) === created && inFlight.delete(login),
        );
        inFlight.set(login, created);
        shared = created;
      }
      const joined = shared;
      joined.waiting++;
      const left = scope.remaining();
      return settleWithin(joined.promise, { signal: scope.signal, timeoutMs: left, onTimeout: lookupTimedOut }).finally(
        () => {
          joined.waiting--;
          if (joined.waiting === 0) {
            if (inFlight.get(login) === joined) inFlight.delete(login);
            joined.controller.abort();
          }
        },
      );
    },
    async createLoginLink(contact, callOptions) {
      const scope = callScope(callOptions);
      const answer = await call('login_link', {}, scope.requestOptions(), {
        user_type: 'contact',
        user_id: contact.id,
        one_time: true,
      });
      rejectAuthFailure(answer);
      const json = okdeskJson(answer, 'login_link');
      const parsed = loginLinkSchema.safeParse(json);
      const link = parsed.success ? (parsed.data.url ?? parsed.data.link ?? parsed.data.login_link) : undefined;
      if (link === undefined || !isPlainHttpUrl(link)) {
        throw okdeskUpstream('Okdesk answered login_link without a usable URL.', answer);
      }
      return link;
    },
  };
}

/** One contact scan shared by the concurrent lookups of a login. */
interface SharedLookup {
  promise: Promise<OkdeskContact | null>;
  controller: AbortController;
  /** Callers still waiting for it. */
  waiting: number;
}

function isPlainHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** What the Okdesk helpers read of an answer. */
type OkdeskAnswer = Pick<RequesterResponse, 'status' | 'text' | 'requestId'>;

function rejectAuthFailure(answer: OkdeskAnswer): void {
  if (answer.status === 401 || answer.status === 403) {
    throw okdeskUpstream(
      `Okdesk refused the API key (HTTP ${answer.status}): check okdesk.apiToken and that its role may read contacts.`,
      answer,
    );
  }
}

function okdeskJson(answer: OkdeskAnswer, what: string): unknown {
  if (answer.status < 200 || answer.status > 299) {
    throw okdeskUpstream(`Okdesk answered ${what} with HTTP ${answer.status}.`, answer);
  }
  try {
    return JSON.parse(answer.text);
  } catch {
    throw okdeskUpstream(`Okdesk answered ${what} with something that is not JSON.`, answer);
  }
}

/** `upstream_unavailable` from Okdesk, with the answer's status and request id when there was an answer. */
function okdeskUpstream(message: string, answer?: OkdeskAnswer): WialonAuthError {
  return new WialonAuthError('upstream_unavailable', message, {
    upstream: 'okdesk',
    ...(answer === undefined ? {} : { upstreamStatus: answer.status }),
    ...(answer?.requestId === undefined ? {} : { requestId: answer.requestId }),
  });
}
