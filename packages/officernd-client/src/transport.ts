import { parseRetryAfter, type RequestOptions } from '@vendorkit/core';
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { requireScope } from './auth/scopes.js';
import type { OfficeRnDTokenProvider } from './auth/token.js';
import { codeForStatus, OfficeRnDError } from './errors.js';
import { callBudget, createOfficeRnDRequester, type HttpSettings, vendorDetails } from './http.js';

/** Settings of {@link createTransport}. */
export interface TransportOptions {
  apiBaseUrl: string;
  tokens: OfficeRnDTokenProvider;
  http: HttpSettings;
  retries: number;
  /** The scopes the client requests; a call needing another one fails before any request. */
  scopes: readonly string[];
  onRequest: () => void;
}

/** One call to the v2 API. */
export interface ApiCall<S extends z.ZodMiniType | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The public call, for messages, e.g. `members.delete`. */
  call: string;
  /** The scope the call needs; checked against the client's scopes before anything is sent. */
  scope: string;
  /** Path below `/api/v2/organizations/{orgSlug}/`, already URL-encoded. */
  path: string;
  searchParams?: URLSearchParams;
  json?: unknown;
  /** Response schema; `undefined` when the answer has no body (204). */
  schema: S;
  /** Renew the token and retry once on 401 (default true). */
  renewOn401?: boolean;
  /** A secret of this call only (a sign-in password), redacted from everything shown. */
  secret?: string;
}

/** Sends authenticated requests and turns every failure into an {@link OfficeRnDError}. */
export interface Transport {
  request<S extends z.ZodMiniType | undefined>(
    call: ApiCall<S>,
    options?: RequestOptions,
  ): Promise<S extends z.ZodMiniType ? z.output<S> : undefined>;
  /** Throws `missing_scope` now when the client's scopes lack `scope` (for calls that fail fast, like `list`). */
  requireScope(scope: string, call: string): void;
}

const englishMessage = en().localeError;

/**
 * Words validation issues as classic zod does ("Invalid input: expected string, received undefined"):
 * `zod/mini` loads no locale, so its messages would otherwise be a bare "Invalid input". A global
 * `z.config(...)` locale (which classic zod also installs when loaded) still takes precedence.
 */
const issueMessage: z.core.$ZodErrorMap = (issue) => {
  const config = z.config();
  if (config.localeError) return undefined;
  return config.customError?.(issue) ?? englishMessage(issue);
};

/**
 * The authenticated layer over core's request core: bearer token from the cache, one token
 * renewal and retry on 401, response validation, and errors by status that carry the vendor's
 * message, the request id and never a header, token or secret. Deadlines, retries (408/429/5xx
 * and network failures for idempotent methods, honouring `Retry-After`), cancellation and
 * bounded bodies are core's.
 */
export function createTransport(options: TransportOptions): Transport {
  const requester = createOfficeRnDRequester(`${options.apiBaseUrl}/`, options.http, {
    retries: options.retries,
    tokenEndpoint: false,
    onAttempt: options.onRequest,
  });
  const { secrets } = options.http;

  const send = async <S extends z.ZodMiniType | undefined>(
    call: ApiCall<S>,
    callOptions: RequestOptions,
    left: () => number | undefined,
  ) => {
    const { signal } = callOptions;
    // A caller's headers are added; the bearer token stays the client's.
    const headers =
      callOptions.headers &&
      Object.fromEntries(
        Object.entries(callOptions.headers).filter(([name]) => name.toLowerCase() !== 'authorization'),
      );
    for (let attempt = 0; ; attempt++) {
      const wait = left();
      const token = await options.tokens.get({
        ...(signal ? { signal } : {}),
        ...(wait === undefined ? {} : { timeoutMs: wait }),
      });
      const budget = left();
      const answer = await requester.request(
        {
          method: call.method,
          path: call.path,
          ...(call.searchParams ? { query: call.searchParams } : {}),
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
          ...(call.json === undefined ? {} : { json: call.json }),
        },
        {
          ...(signal ? { signal } : {}),
          ...(headers ? { headers } : {}),
          ...(budget === undefined ? {} : { timeoutMs: budget }),
        },
      );
      const where = {
        method: call.method,
        url: answer.url,
        ...(answer.requestId === undefined ? {} : { requestId: answer.requestId }),
      };
      if (answer.status === 401 && attempt === 0 && call.renewOn401 !== false) {
        await options.tokens.invalidate(token);
        continue;
      }
      if (answer.status < 200 || answer.status >= 300) {
        const details = vendorDetails(answer, secrets.redact);
        const code = codeForStatus(answer.status);
        const retryAfterMs = code === 'rate_limited' ? parseRetryAfter(answer.headers.get('retry-after')) : undefined;
        throw new OfficeRnDError(
          code,
          `OfficeRnD ${call.method} ${pathOf(answer.url)} failed with ${answer.status}${details.vendorMessage ? `: ${details.vendorMessage}` : ''}.`,
          { ...where, status: answer.status, ...details, ...(retryAfterMs ? { retryAfterMs } : {}) },
        );
      }
      if (call.schema === undefined) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(answer.text);
      } catch {
        throw new OfficeRnDError(
          'invalid_response',
          `OfficeRnD ${call.method} ${call.path} answered with something other than JSON.`,
          where,
        );
      }
      const parsed = call.schema.safeParse(json, { error: issueMessage });
      if (!parsed.success) {
        const issues = parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
          .join('; ');
        throw new OfficeRnDError(
          'invalid_response',
          `OfficeRnD ${call.method} ${call.path} answered with an unexpected shape (${secrets.redact(issues)}).`,
          where,
        );
      }
      return parsed.data;
    }
  };

  return {
    requireScope(scope, call) {
      requireScope(options.scopes, scope, call);
    },
    async request(call, callOptions = {}) {
      requireScope(options.scopes, call.scope, call.call);
      const left = callBudget(callOptions);
      callOptions.signal?.throwIfAborted();
      const release = call.secret === undefined ? undefined : secrets.hold(call.secret);
      try {
        return (await send(call, callOptions, left)) as never;
      } finally {
        release?.();
      }
    },
  };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
