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
   * How contact search treats the (unconfirmed) `login` filter: `supported` (exact match),
   * `ignored` (returns the first contact, like a server that does not know the parameter),
   * `rejected` (400 `{"errors":…}`). Default `supported`.
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
 * An in-memory Okdesk API: `GET /api/v1/contacts/` (search by id, email, phone, login),
 * `GET /api/v1/contacts/list` (`page[size]` ≤ 100, `page[from_id]` exclusive, ascending ids),
 * `POST /api/v1/login_link` (unconfirmed endpoint, answers `{url}`), 401 for a wrong
 * `api_token`, and `{"errors":…}` bodies on 4xx.
 */
export function createOkdeskMock(options: OkdeskMockOptions = {}) {
  const baseUrl = trimBaseUrl('baseUrl', options.baseUrl ?? 'https://demo.okdesk.ru');
  const apiToken = options.apiToken ?? 'okdesk-mock-token';
  const loginFilter = options.loginFilter ?? 'supported';
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
      const fromId = fromRaw === null ? 0 : Number(fromRaw);
      if (!Number.isInteger(fromId) || fromId < 0) return errors(400, 'page[from_id]', 'must be a contact id');
      return HttpResponse.json(contacts.filter((c) => c.id > fromId).slice(0, size));
    }),
    http.get(`${baseUrl}/api/v1/contacts/`, ({ request }) => {
      if (!authorized(request)) return unauthorized();
      stats.search++;
      const query = new URL(request.url).searchParams;
      const login = query.get('login');
      if (login !== null && loginFilter === 'rejected') return errors(400, 'login', 'is not a permitted parameter');
      if (
        login !== null &&
        loginFilter === 'ignored' &&
        !query.has('id') &&
        !query.has('email') &&
        !query.has('phone')
      ) {
        return contacts[0] ? HttpResponse.json(contacts[0]) : errors(404, 'contact', 'not found');
      }
      const filters: Array<(c: OkdeskMockContact) => boolean> = [];
      if (query.has('id')) filters.push((c) => String(c.id) === query.get('id'));
      if (query.has('email')) filters.push((c) => c.email === query.get('email'));
      if (query.has('phone')) filters.push((c) => c.phone === query.get('phone'));
      if (login !== null && loginFilter === 'supported') filters.push((c) => c.login === login);
      if (filters.length === 0) return errors(400, 'base', 'give one of id, email, phone, login');
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
