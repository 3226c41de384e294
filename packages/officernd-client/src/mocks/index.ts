import { parseHttpUrl } from '@vendorkit/core';
import type { RequestHandler } from 'msw';
import { SCOPES } from '../auth/scopes.js';
import { DEFAULT_BASE_URL, DEFAULT_IDENTITY_URL, DEFAULT_SIGN_IN_PATH } from '../client.js';
import { DEFAULT_SIGNATURE_NAME } from '../webhooks.js';
import { createMockDb, type MockDb, type MockSeed } from './db.js';
import { createHandlers, type MockStats } from './handlers.js';

export type { MockCollection, MockDb, MockDelivery, MockRecord, MockSeed, MockWriteResult } from './db.js';
export { type GenerateMockDataOptions, generateMockData, mockId } from './generate.js';
export type { MockStats } from './handlers.js';

/** Options of {@link createOfficeRnDMock}. */
export interface OfficeRnDMockOptions {
  /** API host served; default `https://app.officernd.com`. Use the sandbox's URL when served on localhost. */
  baseUrl?: string;
  /** Token host served; default `https://identity.officernd.com`. */
  identityUrl?: string;
  /** The only organisation slug that exists; default `'mock-org'`. */
  orgSlug?: string;
  /**
   * OAuth apps accepted; default one app `mock-client-id` / `mock-client-secret`. `scopes` is what
   * the app was granted (default: every scope in `SCOPES`); a token request asking for any other
   * scope is refused as a whole (400 `invalid_scope`), as OfficeRnD does.
   */
  clients?: Array<{ clientId: string; clientSecret: string; scopes?: string[] }>;
  /** Token requests allowed per sliding minute, failures included (beyond: 429 "Too many requests"). Default 5. */
  tokenRateLimitPerMinute?: number;
  /** Lifetime of issued tokens, milliseconds (`expires_in` says it in whole seconds). Default 3 599 000. */
  tokenLifetimeMs?: number;
  /**
   * Lifetime of issued tokens, seconds.
   * @deprecated Use `tokenLifetimeMs`; `tokenLifetimeSeconds` will be removed in the next minor release.
   */
  tokenLifetimeSeconds?: number;
  /** Clock in milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Initial data (see `generateMockData` for N members). */
  seed?: MockSeed;
  /** Verb `members/{id}` updates accept (the real one is unconfirmed). Default `'PUT'`. */
  memberUpdateMethod?: 'PUT' | 'PATCH';
  /** Path of "Sign in a user". Default `'auth/signin'`. */
  signInPath?: string;
  /**
   * What a successful sign-in answers: `'token'` (default: a user token, as OfficeRnD's guide
   * says), `'token-and-profile'` (the token plus the profile under `user` — where OfficeRnD puts
   * it is undocumented) or `'profile'` (`{ _id, email, name, image }` only).
   */
  signInAnswer?: 'token' | 'token-and-profile' | 'profile';
  /** Name before the digest in `officernd-signature`. Default `'signature'`. */
  signatureName?: string;
  /** POST webhook deliveries to the registered URLs with `fetch`. Default true; false only records them in `db.deliveries`. */
  deliverWebhooks?: boolean;
  /** `fetch` used for deliveries; default the global one. */
  fetch?: typeof fetch;
  /** Page size and maximum `$limit`. Default 50, as OfficeRnD. */
  pageSize?: number;
}

/** What {@link createOfficeRnDMock} returns. */
export interface OfficeRnDMock {
  /** MSW handlers: pass them to `setupServer(...)` or the vendorkit sandbox. */
  handlers: RequestHandler[];
  /** The in-memory data, with write helpers that deliver signed webhooks. */
  db: MockDb;
  /** Request counters. */
  stats: MockStats;
  /** The default (first) OAuth app's credentials. */
  credentials: { clientId: string; clientSecret: string; orgSlug: string };
  /** Makes every issued token expired (the next API call answers 401). */
  expireTokens(): void;
  /** Clears the token endpoint's rate-limit window. */
  resetTokenRateLimit(): void;
}

/**
 * An in-memory OfficeRnD (Flex v2 + identity) for tests and the sandbox: token endpoint
 * with its 5/min limit, members/companies/plans/memberships/webhooks with cursor pages of
 * 50 and filters, writes, sign-in, NestJS-shaped errors, signed webhook deliveries.
 */
export function createOfficeRnDMock(options: OfficeRnDMockOptions = {}): OfficeRnDMock {
  const baseUrl = parseHttpUrl('createOfficeRnDMock baseUrl', options.baseUrl ?? DEFAULT_BASE_URL)
    .toString()
    .replace(/\/+$/, '');
  const identityUrl = parseHttpUrl('createOfficeRnDMock identityUrl', options.identityUrl ?? DEFAULT_IDENTITY_URL)
    .toString()
    .replace(/\/+$/, '');
  const now = options.now ?? Date.now;
  const everyScope = Object.values(SCOPES);
  const clients = (options.clients ?? [{ clientId: 'mock-client-id', clientSecret: 'mock-client-secret' }]).map(
    (client) => ({ ...client, scopes: [...(client.scopes ?? everyScope)] }),
  );
  const orgSlug = options.orgSlug ?? 'mock-org';
  const db: MockDb = createMockDb({
    now,
    signatureName: options.signatureName ?? DEFAULT_SIGNATURE_NAME,
    deliverWebhooks: options.deliverWebhooks ?? true,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const users = new Map<string, { name?: string }>();
  const seed = options.seed ?? {};
  db.companies.insert(seed.companies ?? []);
  db.plans.insert(seed.plans ?? []);
  db.members.insert(seed.members ?? []);
  db.memberships.insert(seed.memberships ?? []);
  db.webhooks.insert(seed.webhooks ?? []);
  for (const user of seed.users ?? []) {
    db.passwords.set(user.email.toLowerCase(), user.password);
    users.set(user.email.toLowerCase(), user.name === undefined ? {} : { name: user.name });
  }
  const stats: MockStats = { tokenRequests: 0, requests: 0 };
  const tokens = new Map<string, { expiresAt: number; scopes: Set<string>; clientId: string }>();
  let resetRateLimit = () => {};
  const handlers = createHandlers({
    baseUrl,
    identityUrl,
    orgSlug,
    clients,
    tokenRateLimitPerMinute: options.tokenRateLimitPerMinute ?? 5,
    tokenLifetimeMs:
      options.tokenLifetimeMs ??
      (options.tokenLifetimeSeconds === undefined ? 3_599_000 : options.tokenLifetimeSeconds * 1000),
    memberUpdateMethod: options.memberUpdateMethod ?? 'PUT',
    signInPath: (options.signInPath ?? DEFAULT_SIGN_IN_PATH).replace(/^\/+/, ''),
    signInAnswer: options.signInAnswer ?? 'token',
    pageSize: options.pageSize ?? 50,
    now,
    db,
    stats,
    tokens,
    users,
    onRateLimitReset: (reset) => {
      resetRateLimit = reset;
    },
  });
  const first = clients[0] ?? { clientId: '', clientSecret: '' };
  return {
    handlers,
    db,
    stats,
    credentials: { clientId: first.clientId, clientSecret: first.clientSecret, orgSlug },
    expireTokens() {
      for (const entry of tokens.values()) entry.expiresAt = 0;
    },
    resetTokenRateLimit: () => resetRateLimit(),
  };
}
