import {
  type ClientHooks,
  ConfigurationError,
  createMemoryStore,
  type Logger,
  parseHttpUrl,
  type RequestOptions,
  type Store,
} from '@vendorkit/core';
import { DEFAULT_SCOPES } from './auth/scopes.js';
import { createOfficeRnDTokenProvider, type OfficeRnDTokenProvider } from './auth/token.js';
import { callBudget, createSecrets, type HttpSettings } from './http.js';
import { type AuthResource, createAuthResource } from './resources/auth.js';
import { type CompaniesResource, createCompaniesResource } from './resources/companies.js';
import { createMembersResource, type MembersResource, type MemberUpdateMethod } from './resources/members.js';
import { createMembershipsResource, type MembershipsResource } from './resources/memberships.js';
import { createPlansResource, type PlansResource } from './resources/plans.js';
import { createWebhooksResource, type WebhooksResource } from './resources/webhooks.js';
import { createTransport } from './transport.js';

/** Production API host. Regional hosts exist: use the organisation's `regionUrl` as `baseUrl` when it has one. */
export const DEFAULT_BASE_URL = 'https://app.officernd.com';
/** Production token host. */
export const DEFAULT_IDENTITY_URL = 'https://identity.officernd.com';
/** Path of "Sign in a user" below the organisation (unconfirmed, hence the `signInPath` option). */
export const DEFAULT_SIGN_IN_PATH = 'auth/signin';

/** Options of {@link OfficeRnDClient}. */
export interface OfficeRnDClientOptions {
  /** The organisation's slug (admin portal name, Settings → General). */
  orgSlug: string;
  /** OAuth app client id (Developer tools → Apps). */
  clientId: string;
  /** OAuth app client secret. Never logged nor put in errors. */
  clientSecret: string;
  /**
   * Scopes to request; default {@link DEFAULT_SCOPES} (read members, companies, memberships,
   * plans). Ask for exactly what your OfficeRnD app was granted: a token request with one
   * ungranted scope fails as a whole. A call needing a scope not listed here fails with
   * `missing_scope` before any request (see `SCOPES` for each call's scope).
   */
  scopes?: readonly string[];
  /** API host, default `https://app.officernd.com`; requests go to `{baseUrl}/api/v2/organizations/{orgSlug}/…`. */
  baseUrl?: string;
  /** Token host, default `https://identity.officernd.com`; tokens come from `{identityUrl}/oauth/token`. */
  identityUrl?: string;
  /** `fetch` implementation; default the global one (late-bound, so MSW sees it). */
  fetch?: typeof fetch;
  /** Where tokens are cached; share one (e.g. `@vendorkit/redis-store`) between processes. Default: in memory. */
  store?: Store;
  /** Deadline of one attempt, headers and body, in ms; a token request ends within it. Default 30 000. */
  timeoutMs?: number;
  /**
   * Deadline of a whole API call in ms, retries and their waits included (a call's own
   * `timeoutMs` overrides it). Default `timeoutMs × (retries + 1)` plus up to 10 s per retry for the waits.
   */
  totalTimeoutMs?: number;
  /**
   * Retries of idempotent requests (GET, PUT, DELETE) on 408/429/5xx, time-outs and network
   * errors, with exponential backoff and full jitter, honouring `Retry-After` on 429/503. Default 2.
   */
  retries?: number;
  /** Largest answer read, in bytes; a larger one is `invalid_response`. Default 10 MiB. */
  maxBodyBytes?: number;
  /**
   * Answer headers that carry the request id put on errors as `requestId`, in order of preference.
   * OfficeRnD documents none; default `['x-request-id', 'request-id']`.
   */
  requestIdHeaders?: readonly string[];
  /** Where the client logs (`debug` per request, `warn` when a hook throws). Default: nowhere, the client is silent. */
  logger?: Logger;
  /** Called on every request, answer, retry and failure (token requests included), with secrets redacted. */
  hooks?: ClientHooks;
  /** After a failed token request, fail fast with the same error for this long (ms). Default 12 000 (the endpoint allows 5/min). */
  tokenFailureCooldownMs?: number;
  /** Renew tokens this long before they expire (ms). Default 60 000. */
  tokenRefreshMarginMs?: number;
  /** Verb of `members.update`: `'PUT'` (default) or `'PATCH'` — OfficeRnD's docs are not conclusive. */
  memberUpdateMethod?: MemberUpdateMethod;
  /** Path of "Sign in a user" below the organisation; default `'auth/signin'` (unconfirmed). */
  signInPath?: string;
}

/** Request counters since the client was created. */
export interface OfficeRnDClientStats {
  /** HTTP requests to the API, retries included. */
  requests: number;
  /** HTTP requests to the token endpoint. */
  tokenRequests: number;
}

const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const PATH_SEGMENT = /^[A-Za-z0-9._~-]+$/;

function requireText(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(`OfficeRnDClient: ${name} must be a non-empty string.`);
  }
  return value;
}

/**
 * Client of the OfficeRnD Flex v2 API: OAuth2 client-credentials tokens (cached and shared),
 * typed resources with cursor pagination, typed errors. It does not verify webhooks
 * (see `verifyWebhook`) nor sync members (see `createMemberSync`).
 */
export class OfficeRnDClient {
  /** Members: list/page/get/create/update/delete/setPortalAccess. */
  readonly members: MembersResource;
  /** Companies: list/page/get. */
  readonly companies: CompaniesResource;
  /** Plans: list/page/get. */
  readonly plans: PlansResource;
  /** Memberships: list/page/get. */
  readonly memberships: MembershipsResource;
  /** Webhook subscriptions: list/page/get/create/delete. */
  readonly webhooks: WebhooksResource;
  /** Member sign-in (credentials check). */
  readonly auth: AuthResource;
  /** The scopes this client requests (and the calls it may make). */
  readonly scopes: readonly string[];
  /** `{baseUrl}/api/v2/organizations/{orgSlug}`. */
  readonly apiBaseUrl: string;
  readonly #stats: OfficeRnDClientStats = { requests: 0, tokenRequests: 0 };
  readonly #tokens: OfficeRnDTokenProvider;

  constructor(options: OfficeRnDClientOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new ConfigurationError('OfficeRnDClient needs { orgSlug, clientId, clientSecret }.');
    }
    const orgSlug = requireText('orgSlug', options.orgSlug);
    if (!SLUG.test(orgSlug)) {
      throw new ConfigurationError(
        `OfficeRnDClient: orgSlug ${JSON.stringify(orgSlug)} is not a valid organisation slug.`,
      );
    }
    const clientId = requireText('clientId', options.clientId);
    const clientSecret = requireText('clientSecret', options.clientSecret);
    const scopes = options.scopes ?? DEFAULT_SCOPES;
    if (
      !Array.isArray(scopes) ||
      scopes.length === 0 ||
      scopes.some((s) => typeof s !== 'string' || !/^\S+$/.test(s))
    ) {
      throw new ConfigurationError('OfficeRnDClient: scopes must be a non-empty array of scope names without spaces.');
    }
    const baseUrl = parseHttpUrl('OfficeRnDClient baseUrl', options.baseUrl ?? DEFAULT_BASE_URL)
      .toString()
      .replace(/\/+$/, '');
    const identityUrl = parseHttpUrl('OfficeRnDClient identityUrl', options.identityUrl ?? DEFAULT_IDENTITY_URL)
      .toString()
      .replace(/\/+$/, '');
    const memberUpdateMethod = options.memberUpdateMethod ?? 'PUT';
    if (memberUpdateMethod !== 'PUT' && memberUpdateMethod !== 'PATCH') {
      throw new ConfigurationError(`OfficeRnDClient: memberUpdateMethod must be 'PUT' or 'PATCH'.`);
    }
    const signInPath = requireText('signInPath', options.signInPath ?? DEFAULT_SIGN_IN_PATH).replace(/^\/+/, '');
    // Below the organisation only: plain segments, no dot segments, host, query or escapes.
    if (!signInPath.split('/').every((segment) => PATH_SEGMENT.test(segment) && !/^\.{1,2}$/.test(segment))) {
      throw new ConfigurationError(
        `OfficeRnDClient: signInPath must be a path below the organisation such as 'auth/signin', got ${JSON.stringify(signInPath)}.`,
      );
    }
    const numberOption = (name: keyof OfficeRnDClientOptions, fallback: number, min: number) => {
      const value = options[name] ?? fallback;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
        throw new ConfigurationError(`OfficeRnDClient: ${name} must be a number ≥ ${min}, got ${String(value)}.`);
      }
      return value;
    };
    const timeoutMs = numberOption('timeoutMs', 30_000, 1);
    const retries = numberOption('retries', 2, 0);
    if (!Number.isInteger(retries)) throw new ConfigurationError('OfficeRnDClient: retries must be an integer.');
    const tokenFailureCooldownMs = numberOption('tokenFailureCooldownMs', 12_000, 0);
    const tokenRefreshMarginMs = numberOption('tokenRefreshMarginMs', 60_000, 0);
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new ConfigurationError('OfficeRnDClient: fetch must be a function.');
    }
    for (const name of ['logger', 'hooks'] as const) {
      const value = options[name];
      if (value !== undefined && (typeof value !== 'object' || value === null)) {
        throw new ConfigurationError(`OfficeRnDClient: ${name} must be an object.`);
      }
    }
    const { requestIdHeaders } = options;
    if (
      requestIdHeaders !== undefined &&
      (!Array.isArray(requestIdHeaders) ||
        requestIdHeaders.some((h) => typeof h !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(h)))
    ) {
      throw new ConfigurationError('OfficeRnDClient: requestIdHeaders must be an array of header names.');
    }
    const http: HttpSettings = {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      timeoutMs,
      ...(options.totalTimeoutMs === undefined ? {} : { totalTimeoutMs: numberOption('totalTimeoutMs', 0, 1) }),
      ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: numberOption('maxBodyBytes', 0, 1) }),
      ...(requestIdHeaders ? { requestIdHeaders: [...requestIdHeaders] } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.hooks ? { hooks: options.hooks } : {}),
      secrets: createSecrets([clientSecret]),
    };

    this.scopes = Object.freeze([...scopes]);
    this.apiBaseUrl = `${baseUrl}/api/v2/organizations/${encodeURIComponent(orgSlug)}`;
    this.#tokens = createOfficeRnDTokenProvider({
      identityUrl,
      baseUrl,
      clientId,
      clientSecret,
      scopes,
      store: options.store ?? createMemoryStore(),
      http,
      failureCooldownMs: tokenFailureCooldownMs,
      refreshMarginMs: tokenRefreshMarginMs,
      onRequest: () => {
        this.#stats.tokenRequests++;
      },
    });
    const transport = createTransport({
      apiBaseUrl: this.apiBaseUrl,
      tokens: this.#tokens,
      http,
      retries,
      scopes: this.scopes,
      onRequest: () => {
        this.#stats.requests++;
      },
    });
    this.members = createMembersResource(transport, memberUpdateMethod);
    this.companies = createCompaniesResource(transport);
    this.plans = createPlansResource(transport);
    this.memberships = createMembershipsResource(transport);
    this.webhooks = createWebhooksResource(transport);
    this.auth = createAuthResource(transport, signInPath);
  }

  /**
   * A valid access token (cached; one request however many callers wait). Treat it as a secret.
   * `signal` and `timeoutMs` bound this caller's wait (a `timeout` error after `timeoutMs`); the
   * token request itself is shared, and is cancelled only when every caller waiting for it gave
   * up. `headers` are not sent to the token endpoint, for the same reason.
   */
  async getAccessToken(options?: RequestOptions): Promise<string> {
    const left = callBudget(options);
    const timeoutMs = left();
    return this.#tokens.get({
      ...(options?.signal ? { signal: options.signal } : {}),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
  }

  /** Request counters (a copy). */
  get stats(): OfficeRnDClientStats {
    return { ...this.#stats };
  }

  /** Keeps secrets out of `util.inspect(client)` / console.log. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `OfficeRnDClient { apiBaseUrl: ${JSON.stringify(this.apiBaseUrl)} }`;
  }

  /** Keeps secrets out of `JSON.stringify(client)`. */
  toJSON(): Record<string, unknown> {
    return { apiBaseUrl: this.apiBaseUrl };
  }
}
