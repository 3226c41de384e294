import { ConfigurationError } from '@vendorkit/core';
import { WebhookVerificationError } from './errors.js';
import {
  type Company,
  companySchema,
  type Member,
  type Membership,
  memberSchema,
  membershipSchema,
  webhookEnvelopeSchema,
} from './schemas.js';

/** Name of the header carrying the signature. */
export const SIGNATURE_HEADER = 'officernd-signature';
/** Default accepted clock difference, milliseconds, both directions (5 minutes). */
export const DEFAULT_TOLERANCE_MS = 300_000;
/**
 * Name written before the hex digest by {@link signWebhookPayload} (`t=…,signature=…`).
 * Unconfirmed; `verifyWebhook` reads the digest by position and accepts any name.
 */
export const DEFAULT_SIGNATURE_NAME = 'signature';

const RAW_BODY_HINT =
  'Pass the RAW request body exactly as received (string, Uint8Array or ArrayBuffer), not JSON.stringify(parsedBody): re-serialised JSON does not match the signature.';

/** What every webhook event has: its type and the object it is about; maybe its id and when it happened. */
export interface WebhookEventBase<T extends string, O> {
  /**
   * Event id, the same on every redelivery, when OfficeRnD sends one (VENDORS.md §1 [O]: no public
   * payload shows it; the official demo reads only `eventType` and `data.*`). The member sync
   * deduplicates on it, or on a digest of the event when it is missing.
   */
  event?: string;
  eventType: T;
  data: { object: O; previousAttributes?: Record<string, unknown> | null; [key: string]: unknown };
  createdAt?: string | null;
  [key: string]: unknown;
}

/** `member.created|updated|removed`: `data.object` is the member. */
export type MemberEvent = WebhookEventBase<'member.created' | 'member.updated' | 'member.removed', Member>;
/** `membership.created|updated|removed`: `data.object` is the membership. */
export type MembershipEvent = WebhookEventBase<
  'membership.created' | 'membership.updated' | 'membership.removed',
  Membership
>;
/** `company.created|updated|removed`: `data.object` is the company. */
export type CompanyEvent = WebhookEventBase<'company.created' | 'company.updated' | 'company.removed', Company>;
/** Any other event type (invoices, bookings, fees, …): `data.object` untyped. */
export type OtherWebhookEvent = WebhookEventBase<string, Record<string, unknown>>;
/**
 * A verified OfficeRnD webhook event. Narrow it with {@link isMemberEvent},
 * {@link isMembershipEvent} or {@link isCompanyEvent} (a plain `eventType ===` check
 * cannot exclude the generic fallback at type level).
 */
export type OfficeRnDWebhookEvent = MemberEvent | MembershipEvent | CompanyEvent | OtherWebhookEvent;

const MEMBER_TYPES = new Set(['member.created', 'member.updated', 'member.removed']);
const MEMBERSHIP_TYPES = new Set(['membership.created', 'membership.updated', 'membership.removed']);
const COMPANY_TYPES = new Set(['company.created', 'company.updated', 'company.removed']);

/** True for `member.*` events (their `data.object` was validated as a member). */
export function isMemberEvent(event: OfficeRnDWebhookEvent): event is MemberEvent {
  return MEMBER_TYPES.has(event.eventType);
}
/** True for `membership.*` events (their `data.object` was validated as a membership). */
export function isMembershipEvent(event: OfficeRnDWebhookEvent): event is MembershipEvent {
  return MEMBERSHIP_TYPES.has(event.eventType);
}
/** True for `company.*` events (their `data.object` was validated as a company). */
export function isCompanyEvent(event: OfficeRnDWebhookEvent): event is CompanyEvent {
  return COMPANY_TYPES.has(event.eventType);
}

/** Raw body as received. */
export type RawBody = string | Uint8Array | ArrayBuffer;

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The RAW request body, exactly as received. */
  payload: RawBody;
  /** The `officernd-signature` header value (`t=<unix>,<name>=<hex>`). */
  signature: string | null | undefined;
  /**
   * The webhook's secret (from the webhook settings or `webhooks.create`), or several during a
   * rotation (`[newSecret, oldSecret]`): a delivery signed with any of them is accepted.
   */
  secret: string | readonly string[];
  /** Accepted clock difference in milliseconds, both directions. Default 300 000 (5 minutes). */
  toleranceMs?: number;
  /**
   * Accepted clock difference in seconds.
   * @deprecated Use `toleranceMs`; `toleranceSeconds` will be removed in the next minor release.
   */
  toleranceSeconds?: number;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

const encoder = new TextEncoder();

function bytesOf(payload: unknown): Uint8Array {
  if (typeof payload === 'string') return encoder.encode(payload);
  if (payload instanceof Uint8Array) return payload;
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  throw new WebhookVerificationError(
    'invalid_payload',
    `Webhook payload must be the raw body (string, Uint8Array or ArrayBuffer), got ${payload === null ? 'null' : typeof payload}. ${RAW_BODY_HINT}`,
  );
}

function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** What OfficeRnD signs: the raw body, a dot and the timestamp. */
function signedBytes(body: Uint8Array, timestamp: string): Uint8Array<ArrayBuffer> {
  const suffix = encoder.encode(`.${timestamp}`);
  const message = new Uint8Array(body.length + suffix.length);
  message.set(body, 0);
  message.set(suffix, body.length);
  return message;
}

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function parseHeader(header: string): { timestamp: string; signatures: string[] } {
  if (header.length > 4096)
    throw new WebhookVerificationError('malformed_signature', 'officernd-signature header is too long.');
  const parts = header.split(',').map((p) => p.trim());
  const first = parts[0] ?? '';
  const match = /^t=(\d{1,12})$/.exec(first);
  if (!match) {
    throw new WebhookVerificationError(
      'malformed_signature',
      'officernd-signature header must look like "t=<unix seconds>,signature=<hex>" (timestamp first).',
    );
  }
  // The digest's name is unconfirmed: read every following element by position, whatever its name.
  const signatures: string[] = [];
  for (const part of parts.slice(1)) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) {
      throw new WebhookVerificationError(
        'malformed_signature',
        'officernd-signature header has an element that is not name=value.',
      );
    }
    signatures.push(part.slice(eq + 1));
  }
  if (signatures.length === 0) {
    throw new WebhookVerificationError(
      'malformed_signature',
      'officernd-signature header has a timestamp but no signature.',
    );
  }
  return { timestamp: match[1]!, signatures };
}

/**
 * Verifies an OfficeRnD webhook delivery and returns the typed event.
 *
 * Checks, in order: the header's shape, the HMAC-SHA256 of `rawBody + "." + t` with the
 * secret, or any of the secrets during a rotation (Web Crypto `verify`, constant-time), the
 * timestamp within `toleranceMs` (both directions),
 * then the JSON envelope and, for `member.*`, `membership.*` and `company.*`, the object.
 * Async because it uses Web Crypto (`crypto.subtle`), which runs in Node 20+, browsers,
 * Deno, Bun and workers. It does not deduplicate redeliveries (the member sync does).
 *
 * @throws WebhookVerificationError with `reason` `missing_signature`, `malformed_signature`,
 * `signature_mismatch`, `timestamp_out_of_tolerance` or `invalid_payload`.
 */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<OfficeRnDWebhookEvent> {
  const { signature } = options;
  const secrets: readonly unknown[] = Array.isArray(options.secret) ? options.secret : [options.secret];
  if (secrets.length === 0 || secrets.some((secret) => typeof secret !== 'string' || secret === '')) {
    throw new ConfigurationError(
      'verifyWebhook: secret must be the webhook secret (a non-empty string), or a non-empty array of them during a rotation.',
    );
  }
  const toleranceMs = tolerance(options);
  if (typeof signature !== 'string' || signature.trim() === '') {
    throw new WebhookVerificationError(
      'missing_signature',
      'No officernd-signature header: is the request really from OfficeRnD, and did your framework pass the header on?',
    );
  }
  const body = bytesOf(options.payload);
  const { timestamp, signatures } = parseHeader(signature);
  const message = signedBytes(body, timestamp);
  const keys = await Promise.all(secrets.map((secret) => hmacKey(secret as string, 'verify')));
  const digests = signatures.map(fromHex).filter((digest) => digest !== undefined);
  // Web Crypto compares in constant time (and refuses a digest of the wrong length).
  const checks = keys.flatMap((key) => digests.map((digest) => crypto.subtle.verify('HMAC', key, digest, message)));
  if (!(await Promise.all(checks)).includes(true)) {
    throw new WebhookVerificationError(
      'signature_mismatch',
      `officernd-signature does not match the payload. Check the webhook secret. ${RAW_BODY_HINT}`,
    );
  }
  const ageMs = (options.now ?? Date.now)() - Number(timestamp) * 1000;
  if (Math.abs(ageMs) > toleranceMs) {
    throw new WebhookVerificationError(
      'timestamp_out_of_tolerance',
      `Webhook timestamp is ${Math.round(Math.abs(ageMs) / 1000)} s ${ageMs > 0 ? 'old' : 'in the future'}, beyond the ${toleranceMs / 1000} s tolerance (replayed delivery or a wrong clock).`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'Webhook payload is signed correctly but is not UTF-8 JSON.');
  }
  const envelope = webhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    throw new WebhookVerificationError(
      'invalid_payload',
      'Webhook payload is not an OfficeRnD event ({ eventType, data: { object } }, with an optional event id).',
    );
  }
  const event = envelope.data;
  const objectSchema = MEMBER_TYPES.has(event.eventType)
    ? memberSchema
    : MEMBERSHIP_TYPES.has(event.eventType)
      ? membershipSchema
      : COMPANY_TYPES.has(event.eventType)
        ? companySchema
        : undefined;
  if (objectSchema === undefined) {
    const object = event.data.object;
    if (typeof object !== 'object' || object === null || Array.isArray(object)) {
      throw new WebhookVerificationError('invalid_payload', `Webhook ${event.eventType} has no data.object.`);
    }
    return event as OtherWebhookEvent;
  }
  const object = objectSchema.safeParse(event.data.object);
  if (!object.success) {
    throw new WebhookVerificationError(
      'invalid_payload',
      `Webhook ${event.eventType} carries a malformed data.object.`,
    );
  }
  return { ...event, data: { ...event.data, object: object.data } } as OfficeRnDWebhookEvent;
}

/** `toleranceMs`, or the deprecated `toleranceSeconds` in milliseconds, or the default. */
function tolerance(options: VerifyWebhookOptions): number {
  const { toleranceMs, toleranceSeconds } = options;
  if (toleranceMs !== undefined && toleranceSeconds !== undefined) {
    throw new ConfigurationError('verifyWebhook: pass toleranceMs only (toleranceSeconds is its deprecated form).');
  }
  const name = toleranceSeconds === undefined ? 'toleranceMs' : 'toleranceSeconds';
  const value = toleranceMs ?? toleranceSeconds;
  if (value === undefined) return DEFAULT_TOLERANCE_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`verifyWebhook: ${name} must be a non-negative number.`);
  }
  return toleranceSeconds === undefined ? value : value * 1000;
}

/** Options of {@link signWebhookPayload}. */
export interface SignWebhookOptions {
  /** The exact body you will send. */
  payload: RawBody;
  secret: string;
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Name before the digest; default {@link DEFAULT_SIGNATURE_NAME}. */
  signatureName?: string;
}

/**
 * Produces an `officernd-signature` header value for `payload`, as OfficeRnD does
 * (`t=<unix>,<name>=<hex HMAC-SHA256(secret, payload + "." + t)>`). For tests and mocks.
 */
export async function signWebhookPayload(options: SignWebhookOptions): Promise<string> {
  if (typeof options.secret !== 'string' || options.secret === '') {
    throw new ConfigurationError('signWebhookPayload: secret must be a non-empty string.');
  }
  const timestamp = String(Math.floor(options.timestamp ?? Date.now() / 1000));
  const key = await hmacKey(options.secret, 'sign');
  const digest = await crypto.subtle.sign('HMAC', key, signedBytes(bytesOf(options.payload), timestamp));
  return `t=${timestamp},${options.signatureName ?? DEFAULT_SIGNATURE_NAME}=${toHex(new Uint8Array(digest))}`;
}
