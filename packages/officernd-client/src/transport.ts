import { createHttp, redactSecrets } from '@vendorkit/core';
import { isHTTPError, isTimeoutError, type KyInstance } from 'ky';
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { requireScope } from './auth/scopes.js';
import type { OfficeRnDTokenProvider } from './auth/token.js';
import { codeForStatus, OfficeRnDError } from './errors.js';
import { BodyTimeoutError, describeNetworkFailure, readBodyWithin } from './network.js';
import { errorBodySchema } from './schemas.js';

/** Settings of {@link createTransport}. */
export interface TransportOptions {
  apiBaseUrl: string;
  tokens: OfficeRnDTokenProvider;
  fetch?: typeof fetch;
  timeoutMs: number;
  retries: number;
  /** The scopes the client requests; a call needing another one fails before any request. */
  scopes: readonly string[];
  secrets: readonly string[];
  onRequest?: () => void;
}

/** One call to the v2 API. */
export interface RequestSpec<S extends z.ZodMiniType | undefined> {
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
  /** More strings to redact from vendor messages (e.g. a sign-in password). */
  extraSecrets?: readonly string[];
}

/** Sends authenticated requests and turns every failure into an {@link OfficeRnDError}. */
export interface Transport {
  request<S extends z.ZodMiniType | undefined>(
    spec: RequestSpec<S>,
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
 * The authenticated HTTP layer: bearer token from the cache, retries (429/5xx with
 * `Retry-After`, idempotent methods only) from `createHttp`, one token renewal and retry
 * on 401, response validation, and errors that never carry headers, tokens or secrets.
 */
export function createTransport(options: TransportOptions): Transport {
  const http: KyInstance = createHttp({
    baseUrl: options.apiBaseUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    ky: { hooks: { beforeRequest: [() => options.onRequest?.()] } },
  });
  const base = options.apiBaseUrl.replace(/\/+$/, '');

  return {
    requireScope(scope, call) {
      requireScope(options.scopes, scope, call);
    },
    async request(spec) {
      requireScope(options.scopes, spec.scope, spec.call);
      const query = spec.searchParams?.toString() ?? '';
      const url = `${base}/${spec.path}${query ? `?${query}` : ''}`;
      const where = { method: spec.method, url };
      for (let attempt = 0; ; attempt++) {
        const token = await options.tokens.get();
        const secrets = [...options.secrets, token, ...(spec.extraSecrets ?? [])];
        let text: string;
        const abort = new AbortController();
        try {
          const response = await http(spec.path, {
            method: spec.method,
            headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
            ...(spec.searchParams ? { searchParams: spec.searchParams } : {}),
            ...(spec.json === undefined ? {} : { json: spec.json }),
            signal: abort.signal,
          });
          // fetch's timeout ends with the headers: the body gets its own `timeoutMs`.
          text = await readBodyWithin(response, options.timeoutMs, abort);
        } catch (error) {
          if (isHTTPError(error) && error.response.status === 401 && attempt === 0 && spec.renewOn401 !== false) {
            void error.response.body?.cancel().catch(() => undefined);
            await options.tokens.invalidate(token);
            continue;
          }
          throw await toOfficeRnDError(error, where, secrets, options.timeoutMs, abort);
        }
        if (spec.schema === undefined) return undefined as never;
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new OfficeRnDError(
            'invalid_response',
            `OfficeRnD ${spec.method} ${spec.path} answered with something other than JSON.`,
            where,
          );
        }
        const parsed = spec.schema.safeParse(json, { error: issueMessage });
        if (!parsed.success) {
          const issues = parsed.error.issues
            .slice(0, 3)
            .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
            .join('; ');
          throw new OfficeRnDError(
            'invalid_response',
            `OfficeRnD ${spec.method} ${spec.path} answered with an unexpected shape (${redactSecrets(issues, secrets)}).`,
            where,
          );
        }
        return parsed.data as never;
      }
    },
  };
}

async function toOfficeRnDError(
  error: unknown,
  where: { method: string; url: string },
  secrets: readonly string[],
  timeoutMs: number,
  abort: AbortController,
): Promise<OfficeRnDError> {
  if (isTimeoutError(error) || error instanceof BodyTimeoutError) {
    return new OfficeRnDError('timeout', `OfficeRnD ${where.method} request timed out.`, where);
  }
  if (isHTTPError(error)) {
    const status = error.response.status;
    let vendorMessage: string | undefined;
    let vendorError: string | undefined;
    try {
      const text = await readBodyWithin(error.response, timeoutMs, abort);
      const body = errorBodySchema.safeParse(JSON.parse(text.slice(0, 8192)));
      if (body.success) {
        const m = body.data.message ?? body.data.error_description;
        if (m !== undefined) vendorMessage = redactSecrets(Array.isArray(m) ? m.map(String).join('; ') : m, secrets);
        if (body.data.error !== undefined) vendorError = redactSecrets(body.data.error, secrets);
      }
    } catch {
      // Not a JSON body: the status says enough.
    }
    const retryAfter = Number(error.response.headers.get('retry-after'));
    const code = codeForStatus(status);
    return new OfficeRnDError(
      code,
      `OfficeRnD ${where.method} ${pathOf(where.url)} failed with ${status}${vendorMessage ? `: ${vendorMessage}` : ''}.`,
      {
        ...where,
        status,
        ...(vendorMessage === undefined ? {} : { vendorMessage }),
        ...(vendorError === undefined ? {} : { vendorError }),
        ...(code === 'rate_limited' && Number.isFinite(retryAfter) && retryAfter > 0
          ? { retryAfterSeconds: retryAfter }
          : {}),
      },
    );
  }
  if (error instanceof OfficeRnDError) return error;
  const failure = describeNetworkFailure(error, secrets);
  return new OfficeRnDError('network_error', `OfficeRnD ${where.method} request failed: ${failure.reason}.`, {
    ...where,
    cause: failure.cause,
  });
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
