import { HttpResponse, http } from 'msw';
import { randomHex, trimBaseUrl } from './random.js';

/** A contact in the Okdesk mock. */
export interface OkdeskMockContact {
  id: number;
  login: string | null;
  first_name?: string;
  last_name?: string;
  email?: string | null;
  phone?: string | null;
  company_id?: number | null;
  [field: string]: unknown;
}

/** Options of {@link createOkdeskMock}. */
export interface OkdeskMockOptions {
  /** Account URL, default `https://demo.okdesk.ru`. */
  baseUrl?: string;
  /** The API key that is accepted (`api_token` query parameter). Default `okdesk-mock-token`. */
  apiToken?: string;
  /** Initial contacts. */
  contacts?: ReadonlyArray<Partial<OkdeskMockContact> & { login: string | null }>;
  /**
   * How contact search treats the `login` filter, which Okdesk does not document (VENDORS.md §3,
   * [G]): `ignored` (default: the parameter is not read, as a server that does not know it
   * would do), `supported` (exact match), `rejected` (400 `{"errors":…}`).
   */
  loginFilter?: 'supported' | 'ignored' | 'rejected';
}

/** Request counters of the Okdesk mock. */
export interface OkdeskMockStats {
  search: number;
  list: number;
  loginLink: number;
  unauthorized: number;
}

/**
 * An in-memory Okdesk API: `GET /api/v1/contacts/` (search by id, email, phone; `login` only
 * when `loginFilter` says so), `GET /api/v1/contacts/list` (backwards by default, `page[direction]=forward`
 * ascending; `page[from_id]` exclusive; `page[size]` ≤ 100), `POST /api/v1/login_link`
 * (unconfirmed endpoint, answers `{url}`), 401 for a wrong `api_token`, and `{"errors":…}`
 * bodies on 4xx.
 */
export function createOkdeskMock(options: OkdeskMockOptions = {}) {
  const baseUrl = trimBaseUrl('baseUrl', options.baseUrl ?? 'https://demo.okdesk.ru');
  const apiToken = options.apiToken ?? 'okdesk-mock-token';
  const loginFilter = options.loginFilter ?? 'ignored';
  const contacts: OkdeskMockContact[] = [];
  let nextId = 1;
  const addContact = (contact: Partial<OkdeskMockContact> & { login: string | null }): OkdeskMockContact => {
    const record: OkdeskMockContact = {
      first_name: 'First',
      last_name: 'Last',
      email: null,
      phone: null,
      company_id: null,
      access_level: ['company_issues'],
      ...contact,
      id: contact.id ?? nextId,
    };
    nextId = Math.max(nextId, record.id + 1);
    contacts.push(record);
    contacts.sort((a, b) => a.id - b.id);
    return record;
  };
  for (const contact of options.contacts ?? []) addContact(contact);
  const loginLinks: Array<{ contactId: number; url: string }> = [];
  const stats: OkdeskMockStats = { search: 0, list: 0, loginLink: 0, unauthorized: 0 };

  const authorized = (request: Request) => new URL(request.url).searchParams.get('api_token') === apiToken;
  const unauthorized = () => {
    stats.unauthorized++;
    return HttpResponse.json({ errors: { api_token: ['is invalid'] } }, { status: 401 });
  };
  const errors = (status: number, field: string, message: string) =>
    HttpResponse.json({ errors: { [field]: [message] } }, { status });

  const handlers = [
    http.get(`${baseUrl}/api/v1/contacts/list`, ({ request }) => {
      if (!authorized(request)) return unauthorized();
      stats.list++;
      const query = new URL(request.url).searchParams;
      const size = Number(query.get('page[size]') ?? '50');
      if (!Number.isInteger(size) || size < 1 || size > 100) return errors(400, 'page[size]', 'must be from 1 to 100');
      const fromRaw = query.get('page[from_id]');
      const fromId = fromRaw === null ? undefined : Number(fromRaw);
      if (fromId !== undefined && (!Number.isInteger(fromId) || fromId < 0)) {
        return errors(400, 'page[from_id]', 'must be a contact id');
      }
      // Okdesk lists run backwards unless page[direction]=forward (VENDORS.md §3 "Found since the
      // first release", [C], Okdesk's API doc text for contacts/list): by default the largest id
      // comes first and page[from_id] returns the ids below it, descending; forward returns the
      // ids above from_id, ascending.
      if (query.get('page[direction]') === 'forward') {
        return HttpResponse.json(contacts.filter((c) => c.id > (fromId ?? 0)).slice(0, size));
      }
      const below = fromId === undefined ? contacts : contacts.filter((c) => c.id < fromId);
      return HttpResponse.json(below.slice(-size).reverse());
    }),
    http.get(`${baseUrl}/api/v1/contacts/`, ({ request }) => {
      if (!authorized(request)) return unauthorized();
      stats.search++;
      const query = new URL(request.url).searchParams;
      // `login` is not a documented search parameter (VENDORS.md §3, [G]): ignored unless told otherwise.
      const login = query.get('login');
      if (login !== null && loginFilter === 'rejected') return errors(400, 'login', 'is not a permitted parameter');
      const filters: Array<(c: OkdeskMockContact) => boolean> = [];
      if (query.has('id')) filters.push((c) => String(c.id) === query.get('id'));
      if (query.has('email')) filters.push((c) => c.email === query.get('email'));
      if (query.has('phone')) filters.push((c) => c.phone === query.get('phone'));
      if (login !== null && loginFilter === 'supported') filters.push((c) => c.login === login);
      if (filters.length === 0) return errors(400, 'base', 'give one of id, email, phone');
      const found = contacts.find((c) => filters.every((f) => f(c)));
      return found ? HttpResponse.json(found) : errors(404, 'contact', 'not found');
    }),
    http.post(`${baseUrl}/api/v1/login_link`, async ({ request }) => {
      if (!authorized(request)) return unauthorized();
      stats.loginLink++;
      let body: { user_type?: unknown; user_id?: unknown };
      try {
        body = (await request.json()) as typeof body;
      } catch {
        return errors(400, 'body', 'must be JSON');
      }
      if (body?.user_type !== 'contact') return errors(400, 'user_type', 'must be contact');
      const contact = contacts.find((c) => c.id === body.user_id);
      if (!contact) return errors(404, 'user_id', 'not found');
      const url = `${baseUrl}/login_link/${randomHex(16)}`;
      loginLinks.push({ contactId: contact.id, url });
      return HttpResponse.json({ url });
    }),
  ];

  return {
    /** MSW request handlers. */
    handlers,
    /** The served base URL (no trailing slash). */
    baseUrl,
    /** The accepted API key. */
    apiToken,
    /** Contacts, sorted by id (mutable through `addContact`). */
    contacts,
    /** Adds a contact (id assigned when missing). */
    addContact,
    /** Login links issued, in order. */
    loginLinks,
    /** Request counters. */
    stats,
  };
}

/** What {@link createOkdeskMock} returns. */
export type OkdeskMock = ReturnType<typeof createOkdeskMock>;
