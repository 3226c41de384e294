import { HttpResponse, http, type RequestHandler } from 'msw';
import type { MockDb, MockRecord } from './db.js';

/** Counters of what the mock served. */
export interface MockStats {
  /** Requests to the token endpoint, rejected ones included. */
  tokenRequests: number;
  /** Requests to the API (every path under `/api/v2/organizations/…`). */
  requests: number;
}

/** Settings the handlers need (resolved from `createOfficeRnDMock` options). */
export interface HandlerSettings {
  baseUrl: string;
  identityUrl: string;
  orgSlug: string;
  /** OAuth apps and the scopes each was granted. */
  clients: Array<{ clientId: string; clientSecret: string; scopes: string[] }>;
  tokenRateLimitPerMinute: number;
  tokenLifetimeMs: number;
  memberUpdateMethod: 'PUT' | 'PATCH';
  signInPath: string;
  signInAnswer: 'token' | 'token-and-profile' | 'profile';
  pageSize: number;
  now: () => number;
  db: MockDb;
  stats: MockStats;
  tokens: Map<string, { expiresAt: number; scopes: Set<string>; clientId: string }>;
  users: Map<string, { name?: string }>;
  /** Receives a function that clears the token rate-limit window. */
  onRateLimitReset?: (reset: () => void) => void;
}

type Json = Record<string, unknown>;

/** A NestJS-shaped error: `{ statusCode, message, error }`. */
function nestError(statusCode: number, message: string | string[], error: string) {
  return HttpResponse.json({ statusCode, message, error }, { status: statusCode });
}
const badRequest = (message: string | string[]) => nestError(400, message, 'Bad Request');
const notFound = (message: string) => nestError(404, message, 'Not Found');

const encodeCursor = (offset: number) => btoa(`o:${offset}`).replace(/=+$/, '');
function decodeCursor(cursor: string): number | undefined {
  try {
    const match = /^o:(\d{1,9})$/.exec(atob(cursor));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function fieldText(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(fieldText);
  if (typeof value === 'object' && typeof (value as Json)._id === 'string') return [(value as Json)._id as string];
  return [String(value)];
}

function compare(a: string, b: string): number {
  const da = Date.parse(a);
  const dbv = Date.parse(b);
  if (Number.isFinite(da) && Number.isFinite(dbv) && /^\d{4}-/.test(a) && /^\d{4}-/.test(b)) return da - dbv;
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

type Predicate = (record: MockRecord) => boolean;

/** Parses OfficeRnD list query filters (`status[$in]=a,b`, `modifiedAt[$gte]=…`, `member=<id>`). */
function parseFilters(params: URLSearchParams): Predicate[] | string {
  const predicates: Predicate[] = [];
  for (const [key, raw] of params) {
    if (key.startsWith('$')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_.]*)(?:\[(\$[a-z]+)\])?$/.exec(key);
    if (!match) return `Unsupported filter ${key}`;
    const field = match[1]!;
    const op = match[2] ?? '$eq';
    const values = (r: MockRecord) => fieldText(r[field]);
    switch (op) {
      case '$eq':
        predicates.push((r) => values(r).includes(raw));
        break;
      case '$ne':
        predicates.push((r) => !values(r).includes(raw));
        break;
      case '$in': {
        const list = raw.split(',');
        predicates.push((r) => values(r).some((v) => list.includes(v)));
        break;
      }
      case '$nin': {
        const list = raw.split(',');
        predicates.push((r) => !values(r).some((v) => list.includes(v)));
        break;
      }
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        const test = {
          $gt: (c: number) => c > 0,
          $gte: (c: number) => c >= 0,
          $lt: (c: number) => c < 0,
          $lte: (c: number) => c <= 0,
        }[op];
        predicates.push((r) => values(r).some((v) => test(compare(v, raw))));
        break;
      }
      default:
        return `Unsupported operator ${op} on ${field}`;
    }
  }
  return predicates;
}

/** Builds the MSW handlers of the OfficeRnD mock. */
export function createHandlers(s: HandlerSettings): RequestHandler[] {
  const { db, stats } = s;
  const api = `${s.baseUrl}/api/v2/organizations/:org`;
  const tokenHits: number[] = [];
  s.onRateLimitReset?.(() => {
    tokenHits.length = 0;
  });

  type Guarded = (ctx: {
    request: Request;
    params: Record<string, string | readonly string[] | undefined>;
  }) => Promise<Response> | Response;
  /** Counts, checks org and bearer token and scope, then runs `handler`. */
  const guard =
    (scope: string, handler: Guarded): Guarded =>
    async (ctx) => {
      stats.requests++;
      if (ctx.params.org !== s.orgSlug) return notFound('Organization not found');
      const auth = ctx.request.headers.get('authorization') ?? '';
      const token = /^Bearer (.+)$/i.exec(auth)?.[1];
      const entry = token === undefined ? undefined : s.tokens.get(token);
      if (!entry || entry.expiresAt <= s.now()) return nestError(401, 'Unauthorized', 'Unauthorized');
      if (!entry.scopes.has(scope)) return nestError(403, 'Forbidden resource', 'Forbidden');
      return handler(ctx);
    };

  const readJson = async (request: Request): Promise<Json | undefined> => {
    try {
      const body = (await request.json()) as unknown;
      return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Json) : undefined;
    } catch {
      return undefined;
    }
  };

  const listHandler =
    (records: () => MockRecord[]): Guarded =>
    ({ request }) => {
      const params = new URL(request.url).searchParams;
      const limitText = params.get('$limit');
      let limit = s.pageSize;
      if (limitText !== null) {
        limit = Number(limitText);
        if (!Number.isInteger(limit) || limit < 1) return badRequest(['$limit must be a positive integer']);
        // VENDORS.md §1 [C] (found since the first release): a $limit above the maximum is capped, not refused.
        limit = Math.min(limit, s.pageSize);
      }
      const filters = parseFilters(params);
      if (typeof filters === 'string') return badRequest([filters]);
      let list = records().filter((r) => filters.every((f) => f(r)));
      const sort = params.get('$sort');
      if (sort) {
        const desc = sort.startsWith('-');
        const field = sort.replace(/^[-+]/, '');
        list = [...list].sort((a, b) => {
          const c = compare(fieldText(a[field])[0] ?? '', fieldText(b[field])[0] ?? '');
          return desc ? -c : c;
        });
      }
      let start = 0;
      const next = params.get('$cursorNext');
      const prev = params.get('$cursorPrev');
      if (next !== null) {
        const offset = decodeCursor(next);
        if (offset === undefined) return badRequest(['Invalid $cursorNext']);
        start = offset;
      } else if (prev !== null) {
        const offset = decodeCursor(prev);
        if (offset === undefined) return badRequest(['Invalid $cursorPrev']);
        start = Math.max(0, offset - limit);
      }
      let results = list.slice(start, start + limit);
      const select = params.get('$select');
      if (select) {
        const fields = new Set(['_id', ...select.split(',')]);
        results = results.map(
          (r) => Object.fromEntries(Object.entries(r).filter(([k]) => fields.has(k))) as MockRecord,
        );
      }
      const end = start + results.length;
      return HttpResponse.json({
        results,
        cursorNext: end < list.length ? encodeCursor(end) : null,
        cursorPrev: start > 0 ? encodeCursor(start) : null,
        // VENDORS.md §1 [C] ("Querying data" example: "rangeStart": 1, "rangeEnd": 50): positions count from 1.
        rangeStart: start + 1,
        rangeEnd: end,
      });
    };

  const getHandler =
    (name: string, find: (id: string) => MockRecord | undefined): Guarded =>
    ({ params }) => {
      const record = find(String(params.id));
      return record ? HttpResponse.json(record) : notFound(`${name} not found`);
    };

  const tokenHandler = http.post(`${s.identityUrl}/oauth/token`, async ({ request }) => {
    stats.tokenRequests++;
    const now = s.now();
    while (tokenHits.length > 0 && tokenHits[0]! <= now - 60_000) tokenHits.shift();
    tokenHits.push(now);
    if (tokenHits.length > s.tokenRateLimitPerMinute) {
      // VENDORS.md §1 [C]: 5 token requests a minute, failures included; the 429 says "Too many
      // requests, please try again later" and no Retry-After is documented, so none is sent.
      return nestError(429, 'Too many requests, please try again later', 'Too Many Requests');
    }
    let form: URLSearchParams;
    try {
      form = new URLSearchParams(await request.text());
    } catch {
      form = new URLSearchParams();
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return HttpResponse.json(
        { error: 'unsupported_grant_type', error_description: 'Only client_credentials is supported' },
        { status: 400 },
      );
    }
    const client = s.clients.find(
      (c) => c.clientId === form.get('client_id') && c.clientSecret === form.get('client_secret'),
    );
    if (!client) {
      return HttpResponse.json(
        { error: 'invalid_client', error_description: 'Invalid client credentials' },
        { status: 401 },
      );
    }
    const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
    // VENDORS.md §1 [C] (found since the first release): a token request fails as a whole when it
    // asks for any scope the app was not granted.
    if (requested.some((scope) => !client.scopes.includes(scope))) {
      return HttpResponse.json(
        { error: 'invalid_scope', error_description: 'Requested scope was not granted to this app' },
        { status: 400 },
      );
    }
    const token = `mock_${crypto.randomUUID().replace(/-/g, '')}`;
    s.tokens.set(token, {
      expiresAt: now + s.tokenLifetimeMs,
      scopes: new Set(requested),
      clientId: client.clientId,
    });
    return HttpResponse.json({
      access_token: token,
      token_type: 'Bearer',
      expires_in: Math.floor(s.tokenLifetimeMs / 1000),
      scope: requested.join(' '),
    });
  });

  const collections = [
    ['members', 'Member', db.members, 'flex.community.members.read'],
    ['companies', 'Company', db.companies, 'flex.community.companies.read'],
    ['plans', 'Plan', db.plans, 'flex.billing.plans.read'],
    ['memberships', 'Membership', db.memberships, 'flex.community.memberships.read'],
    ['webhooks', 'Webhook', db.webhooks, 'flex.settings.webhooks.read'],
  ] as const;

  const handlers: RequestHandler[] = [tokenHandler];
  for (const [path, name, collection, scope] of collections) {
    handlers.push(
      http.get(
        `${api}/${path}`,
        guard(
          scope,
          listHandler(() => collection.all()),
        ),
      ),
      http.get(
        `${api}/${path}/:id`,
        guard(
          scope,
          getHandler(name, (id) => collection.get(id)),
        ),
      ),
    );
  }

  handlers.push(
    http.post(
      `${api}/members`,
      guard('flex.community.members.create', async ({ request }) => {
        const body = await readJson(request);
        if (!body) return badRequest(['body must be a JSON object']);
        const missing = ['name', 'location', 'startDate'].filter((f) => typeof body[f] !== 'string' || body[f] === '');
        if (missing.length > 0) return badRequest(missing.map((f) => `${f} should not be empty`));
        const { record } = await db.members.add({
          status: 'active',
          tags: [],
          properties: {},
          ...body,
          _id: db.newId(),
        });
        return HttpResponse.json(record, { status: 201 });
      }),
    ),
    http[s.memberUpdateMethod === 'PUT' ? 'put' : 'patch'](
      `${api}/members/:id`,
      guard('flex.community.members.update', async ({ request, params }) => {
        const id = String(params.id);
        if (!db.members.get(id)) return notFound('Member not found');
        const body = await readJson(request);
        if (!body) return badRequest(['body must be a JSON object']);
        const { _id: _ignored, ...patch } = body;
        const { record } = await db.members.update(id, patch);
        return HttpResponse.json(record);
      }),
    ),
    http.delete(
      `${api}/members/:id`,
      guard('flex.community.members.delete', async ({ params }) => {
        const id = String(params.id);
        if (!db.members.get(id)) return notFound('Member not found');
        await db.members.remove(id);
        return new HttpResponse(null, { status: 204 });
      }),
    ),
    // VENDORS.md §1 [C] (found since the first release; the call's API reference page): portal
    // access needs its own scope, not members.update.
    http.put(
      `${api}/members/:id/portal-access`,
      guard('flex.community.members.portalAccess.update', async ({ request, params }) => {
        const id = String(params.id);
        if (!db.members.get(id)) return notFound('Member not found');
        const body = await readJson(request);
        if (!body || typeof body.isPortalAccessEnabled !== 'boolean') {
          return badRequest(['isPortalAccessEnabled must be a boolean value']);
        }
        db.portalAccess.set(id, {
          isPortalAccessEnabled: body.isPortalAccessEnabled,
          shouldSendInvitation: body.shouldSendInvitation === true,
        });
        return new HttpResponse(null, { status: 204 });
      }),
    ),
    http.post(
      `${api}/webhooks`,
      guard('flex.settings.webhooks.create', async ({ request }) => {
        const body = await readJson(request);
        const errors: string[] = [];
        if (!body || typeof body.url !== 'string' || !/^https?:\/\//.test(body.url))
          errors.push('url must be a URL address');
        if (!body || !Array.isArray(body.eventTypes) || body.eventTypes.length === 0)
          errors.push('eventTypes should not be empty');
        if (errors.length > 0) return badRequest(errors);
        const secret = Array.from(crypto.getRandomValues(new Uint8Array(24)), (b) =>
          b.toString(16).padStart(2, '0'),
        ).join('');
        const [record] = db.webhooks.insert([{ isEnabled: true, description: '', ...body, secret, _id: db.newId() }]);
        return HttpResponse.json(record, { status: 201 });
      }),
    ),
    http.delete(
      `${api}/webhooks/:id`,
      guard('flex.settings.webhooks.delete', async ({ params }) => {
        const id = String(params.id);
        if (!db.webhooks.get(id)) return notFound('Webhook not found');
        await db.webhooks.remove(id);
        return new HttpResponse(null, { status: 204 });
      }),
    ),
    http.post(
      `${api}/${s.signInPath}`,
      guard('flex.user.auth.signin', async ({ request }) => {
        const body = await readJson(request);
        if (!body || typeof body.email !== 'string' || typeof body.password !== 'string') {
          return badRequest(['email must be an email', 'password should not be empty']);
        }
        const email = body.email.toLowerCase();
        if (db.passwords.get(email) !== body.password)
          return nestError(401, 'Invalid email or password', 'Unauthorized');
        const member = db.members.all().find((m) => typeof m.email === 'string' && m.email.toLowerCase() === email);
        const profile = {
          _id: member?._id ?? `user-${email}`,
          email: body.email,
          name: member?.name ?? s.users.get(email)?.name ?? body.email,
          image: null,
        };
        if (s.signInAnswer === 'profile') return HttpResponse.json(profile);
        // VENDORS.md §1 [C] (found since the first release; OfficeRnD's sign-up-as-a-member guide):
        // a successful sign-in answer "should contain the OAuth 2.0 token", a user token for the
        // User API. Where a profile goes beside it is not documented [G]: here under `user`.
        const token = {
          access_token: `mock_user_${crypto.randomUUID().replace(/-/g, '')}`,
          token_type: 'Bearer',
          expires_in: Math.floor(s.tokenLifetimeMs / 1000),
        };
        return HttpResponse.json(s.signInAnswer === 'token' ? token : { ...token, user: profile });
      }),
    ),
    // Anything else under the API answers like NestJS does for an unknown route.
    http.all(`${api}/*`, ({ request }) => {
      stats.requests++;
      return notFound(`Cannot ${request.method} ${new URL(request.url).pathname}`);
    }),
  );
  return handlers;
}
