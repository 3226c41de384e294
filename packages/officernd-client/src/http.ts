import {
  type ClientHooks,
  checkRequestOptions,
  createRequester,
  type Logger,
  type Requester,
  type RequesterResponse,
  type RequestFailure,
  type RequestOptions,
  redactSecrets,
} from '@vendorkit/core';
import { OfficeRnDError, type OfficeRnDErrorCode } from './errors.js';
import { errorBodySchema } from './schemas.js';
import { USER_AGENT } from './version.js';

/** The secrets a client knows; none of them is ever shown in an error, a log line or a hook. */
export interface Secrets {
  /** `text` with every known secret removed, in every encoding core's `redactSecrets` knows. */
  redact(text: string): string;
  /** Remembers an access token in use (the last few are kept: tokens are renewed hourly). */
  remember(token: string): void;
  /** Adds `secret` (a sign-in password) until the returned function is called. */
  hold(secret: string): () => void;
}

const REMEMBERED_TOKENS = 4;

/** {@link Secrets} over `fixed` (the client secret). */
export function createSecrets(fixed: readonly string[]): Secrets {
  const tokens: string[] = [];
  const held: string[] = [];
  return {
    redact: (text) => redactSecrets(text, [...fixed, ...tokens, ...held]),
    remember(token) {
      const known = tokens.indexOf(token);
      if (known >= 0) tokens.splice(known, 1);
      tokens.push(token);
      if (tokens.length > REMEMBERED_TOKENS) tokens.shift();
    },
    hold(secret) {
      held.push(secret);
      return () => {
        const index = held.indexOf(secret);
        if (index >= 0) held.splice(index, 1);
      };
    },
  };
}

/** What the token and API requesters of one client share. */
export interface HttpSettings {
  fetch?: typeof fetch;
  /** Deadline of one attempt, headers and body. */
  timeoutMs: number;
  totalTimeoutMs?: number;
  maxBodyBytes?: number;
  requestIdHeaders?: readonly string[];
  logger?: Logger;
  hooks?: ClientHooks;
  secrets: Secrets;
}

/** Codes of transport failures (no answer) on API calls; the token endpoint has its own. */
const API_FAILURE_CODES: Record<RequestFailure['kind'], OfficeRnDErrorCode> = {
  timeout: 'timeout',
  network: 'network_error',
  too_large: 'invalid_response',
  redirect: 'http_error',
  outside_base_url: 'invalid_query',
};

/**
 * Core's request core for one OfficeRnD host, with this package's errors: `what` names the
 * requests in messages, and `tokenEndpoint` turns every failure into `token_request_failed`.
 * `onAttempt` is called before each attempt is sent (for the client's request counters).
 */
export function createOfficeRnDRequester(
  baseUrl: string,
  settings: HttpSettings,
  spec: { retries: number; tokenEndpoint: boolean; onAttempt: () => void },
): Requester {
  const { hooks } = settings;
  const what = spec.tokenEndpoint ? 'OfficeRnD token request' : 'OfficeRnD request';
  return createRequester({
    baseUrl,
    userAgent: USER_AGENT,
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
    timeoutMs: settings.timeoutMs,
    ...(settings.totalTimeoutMs === undefined ? {} : { totalTimeoutMs: settings.totalTimeoutMs }),
    retries: spec.retries,
    ...(settings.maxBodyBytes === undefined ? {} : { maxBodyBytes: settings.maxBodyBytes }),
    ...(settings.requestIdHeaders ? { requestIdHeaders: settings.requestIdHeaders } : {}),
    redact: settings.secrets.redact,
    ...(settings.logger ? { logger: settings.logger } : {}),
    // Called as methods, so hooks given as a class instance keep their `this`.
    hooks: {
      onRequest: (info) => {
        spec.onAttempt();
        hooks?.onRequest?.(info);
      },
      onResponse: (info) => hooks?.onResponse?.(info),
      onRetry: (info) => hooks?.onRetry?.(info),
      onError: (info) => hooks?.onError?.(info),
    },
    toError: (failure) =>
      new OfficeRnDError(
        spec.tokenEndpoint ? 'token_request_failed' : API_FAILURE_CODES[failure.kind],
        `${what} ${failure.kind === 'timeout' ? 'timed out' : 'failed'}: ${failure.message}.`,
        {
          ...(failure.method === 'any' ? {} : { method: failure.method }),
          url: failure.url,
          ...(failure.cause === undefined ? {} : { cause: failure.cause }),
        },
      ),
  });
}

/** What an error answer says about itself: the vendor's message and error name, secrets removed. */
export interface VendorDetails {
  /** NestJS `message` (arrays joined with `; `) or OAuth `error_description`; else a short plain-text body. */
  vendorMessage?: string;
  /** NestJS `error` (`"Not Found"`) or OAuth `error` (`"invalid_client"`). */
  vendorError?: string;
}

/** Reads the vendor's message from an error answer: a NestJS or OAuth JSON body, or a short plain-text one. */
export function vendorDetails(answer: RequesterResponse, redact: (text: string) => string): VendorDetails {
  const text = answer.text.slice(0, 8192);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // A plain-text answer (a rate limiter's "Too many requests, please try again later") is the message.
    const plain = text.trim().slice(0, 300);
    return plain === '' || plain.startsWith('<') ? {} : { vendorMessage: redact(plain) };
  }
  const body = errorBodySchema.safeParse(json);
  if (!body.success) return {};
  const message = body.data.message ?? body.data.error_description;
  return {
    ...(message === undefined
      ? {}
      : { vendorMessage: redact(Array.isArray(message) ? message.map(String).join('; ') : message) }),
    ...(body.data.error === undefined ? {} : { vendorError: redact(body.data.error) }),
  };
}

/**
 * Checks the per-call options every public async method takes, and returns a function giving the
 * time left of the call's `timeoutMs` (undefined without one) for each step of the call.
 */
export function callBudget(options: RequestOptions | undefined): () => number | undefined {
  return checkRequestOptions(options).remaining;
}
