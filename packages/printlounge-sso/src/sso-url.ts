import { PrintLoungeError } from './errors.js';
import { type NowOption, nonNegativeSeconds, positiveSeconds, unixSeconds } from './options.js';
import { parseStr, phpQueryParameter, refuseStrictField, strictQueryFields } from './php-query.js';
import { type ShopLocation, ssoEndpoint } from './shop-url.js';
import { createSsoCipher, type SsoCipher, type SsoCipherOptions, type SsoMethod } from './sso-cipher.js';
import { decryptSsoData, decryptSsoQuery } from './sso-data.js';
import {
  formatDateAtom,
  nestSsoFields,
  parseRequestTime,
  SSO_FIELD_NAMES,
  type SsoFields,
  type SsoFieldsInput,
  validateSsoFields,
} from './sso-fields.js';
import { buildSsoPayload } from './sso-payload.js';
import { httpBuildNestedQuery, type SsoQueryFields } from './sso-query.js';

/** Fields for a new v2 link: like {@link SsoFieldsInput}, but `request_time` may be left to `now`. */
export type SsoLinkFields = Omit<SsoFieldsInput, 'request_time'> & {
  request_time?: SsoFieldsInput['request_time'];
};

/** Per-link options of the v2 builders. */
export interface SsoLinkOptions {
  /** Clock for `request_time` when the fields do not give it; default the current time. */
  now?: NowOption;
}

/** Options of {@link createSsoSigner}. */
export type SsoSignerOptions = ShopLocation &
  SsoCipherOptions & {
    /** The shop's SSO passphrase (UTF-8; NUL-padded or cut to the method's key size, as PHP's openssl does). */
    passphrase: string | Uint8Array;
  };

/** Options of {@link createSsoUrl}. */
export type CreateSsoUrlOptions = SsoSignerOptions &
  SsoLinkOptions & {
    /** Fields of the vendor's v2 table; validated with `ssoFieldsSchema`. */
    fields: SsoLinkFields;
  };

/** A v2 signer bound to one shop, passphrase, method and IV rule; key and IV are made once. */
export interface SsoSigner {
  /** The shop's `sso.php` URL. */
  readonly endpoint: string;
  /** The encryption method in use. */
  readonly method: SsoMethod;
  /** A validated v2 link, like {@link createSsoUrl}. */
  createUrl(fields: SsoLinkFields, options?: SsoLinkOptions): string;
  /** Just the `h` value for raw (unvalidated) fields, like `encodeSsoData`: PHP's pipeline, no splice-resistant layout. */
  encode(fields: SsoQueryFields): string;
  /** Zeroes the expanded key; later calls throw. */
  dispose(): void;
}

/** @internal Validated fields in the caller's order, `request_time` last when it was added from `now`. */
export function validatedSsoFields(fields: SsoLinkFields, options: SsoLinkOptions): SsoFields {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new PrintLoungeError('invalid_field', 'fields must be an object of SSO v2 fields.', { rule: 'type' });
  }
  const given = fields.request_time !== undefined && fields.request_time !== null;
  return validateSsoFields(fields, 'reject', given ? undefined : formatDateAtom(unixSeconds(options.now)));
}

function linkFor(endpoint: string, h: string): string {
  return `${endpoint}${endpoint.includes('?') ? '&' : '?'}h=${h}`;
}

/**
 * A ready SSO v2 link: `https://SHOP.print-server.net/sso.php?h=…` (or under `baseUrl`). Fields are
 * checked against the vendor's v2 table first (`ssoFieldsSchema`); `request_time` becomes now as
 * PHP's `DATE_ATOM` (`2026-12-01T21:00:00+00:00`) unless given. `method` and `iv` must match the shop.
 * The payload is laid out splice-resistantly (layout-sso.ts): no splice or bit-flip of links made for one
 * user reads as another user, except one whose URL-encoded name starts with the same 13 bytes; a later
 * `request_time` for one's own link cannot be prevented (see the README's security notes).
 *
 * @throws PrintLoungeError `invalid_field` / `missing_field` (naming field and rule), `invalid_key_size`;
 *   ConfigurationError for a bad shop, baseUrl, method, iv or now.
 */
export function createSsoUrl(options: CreateSsoUrlOptions): string {
  const signer = createSsoSigner(options);
  try {
    return signer.createUrl(options.fields, options);
  } finally {
    signer.dispose();
  }
}

/**
 * A reusable v2 signer for one shop: makes key and IV once, then builds links
 * ({@link SsoSigner.createUrl}) or bare `h` values ({@link SsoSigner.encode}) cheaply.
 */
export function createSsoSigner(options: SsoSignerOptions): SsoSigner {
  const endpoint = ssoEndpoint(options);
  const cipher: SsoCipher = createSsoCipher(options.passphrase, options);
  return {
    endpoint,
    method: cipher.method,
    createUrl(fields, linkOptions = {}) {
      return linkFor(endpoint, cipher.encryptToH(buildSsoPayload(validatedSsoFields(fields, linkOptions))));
    },
    encode(fields) {
      return cipher.encryptToH(httpBuildNestedQuery(fields));
    },
    dispose() {
      cipher.wipe();
    },
  };
}

/** Options of {@link createSsoReceiver}. */
export type SsoReceiverOptions = SsoCipherOptions & {
  /** The shop's SSO passphrase. */
  passphrase: string | Uint8Array;
  /** Seconds a link is accepted after its `request_time`. Default 500 (the vendor's default). */
  maxAgeSeconds?: number;
  /** Seconds the clocks of sender and receiver may disagree, either way. Default 30. */
  clockSkewSeconds?: number;
  /**
   * Default `true`: refuse links whose decrypted query has a field twice, a name PHP's `parse_str` would
   * rewrite (leading space, ' ', '.', NUL, a '[' outside `view_settings[…]`/`settings[…]`), a piece without
   * `=`, or a field not in the vendor's v2 table — links from `createSsoUrl` never do, links spliced or
   * bit-flipped together from other links mostly do (`invalid_field`, rule `duplicate_field`,
   * `rewritten_name`, `missing_value`, `unknown_field`). `false` reads the link as PHP would (a later
   * duplicate wins, unknown fields kept as strings).
   */
  strict?: boolean;
};

/** Options of {@link parseSsoUrl}. */
export type ParseSsoUrlOptions = SsoReceiverOptions & {
  /** Clock; default the current time. */
  now?: NowOption;
};

/** A v2 receiver bound to one passphrase, method and IV rule; key and IV are made once. */
export interface SsoReceiver {
  /** Like {@link parseSsoUrl}: decode, validate, reject expired and future-dated links. */
  parse(url: string | URL, options?: { now?: NowOption }): SsoFields & Record<string, unknown>;
  /** Like `decodeSsoData`: what PHP's `parse_str` sees (flat names), no field rules. */
  decode(h: string): Record<string, string>;
  /** Zeroes the expanded key; later calls throw. */
  dispose(): void;
}

/** The `h` parameter of a v2 URL, as sent (still URL-encoded). */
function rawH(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url), 'http://receiver.invalid');
  } catch {
    throw new PrintLoungeError('invalid_url', 'The SSO URL cannot be parsed.');
  }
  // Like PHP's $_GET['h'] (last one wins), kept raw so that a '+' sent unencoded survives.
  const raw = phpQueryParameter(parsed.search.slice(1), 'h');
  if (raw !== undefined) return raw;
  throw new PrintLoungeError(
    'missing_h',
    'The URL has no h parameter: it is not a Print-Lounge SSO v2 link (sso.php?h=…).',
  );
}

/**
 * The receiving side of a v2 link: reads `h` from the URL (absolute, or a path with query like
 * `req.url`), decrypts it, validates the fields like {@link createSsoUrl} (`view_settings[…]`/`settings[…]`
 * become records) and rejects links whose
 * `request_time` is older than `maxAgeSeconds` (default 500) or lies in the future, each beyond
 * `clockSkewSeconds` (default 30).
 *
 * @throws PrintLoungeError `invalid_url`, `missing_h`, `invalid_h`, `invalid_passphrase`,
 *   `invalid_key_size`, `missing_field`, `invalid_field`, `expired`; ConfigurationError for bad options.
 *   By default it also refuses what only a spliced or hand-made link holds (see
 *   {@link SsoReceiverOptions.strict}); with `strict: false` unknown extra fields are kept as strings.
 */
export function parseSsoUrl(url: string | URL, options: ParseSsoUrlOptions): SsoFields & Record<string, unknown> {
  if (typeof options !== 'object' || options === null) {
    throw new PrintLoungeError('invalid_key_size', 'parseSsoUrl needs options with the passphrase.');
  }
  const receiver = createSsoReceiver(options);
  try {
    return receiver.parse(url, options);
  } finally {
    receiver.dispose();
  }
}

/**
 * The receiving side for many v2 links (a shop, a test double, a gateway): makes key and IV once, then
 * parses links ({@link SsoReceiver.parse}) or bare `h` values ({@link SsoReceiver.decode}).
 */
export function createSsoReceiver(options: SsoReceiverOptions): SsoReceiver {
  const maxAge = positiveSeconds(options.maxAgeSeconds ?? 500, 'maxAgeSeconds');
  const skew = nonNegativeSeconds(options.clockSkewSeconds ?? 30, 'clockSkewSeconds');
  const strict = options.strict ?? true;
  const cipher = createSsoCipher(options.passphrase, options);
  return {
    parse(url, parseOptions = {}) {
      const now = unixSeconds(parseOptions.now);
      const query = decryptSsoQuery(cipher, rawH(url));
      const fields = strict ? strictQueryFields(query, isSsoField, refuseField) : parseStr(query);
      if (fields === undefined) {
        throw new PrintLoungeError('invalid_h', 'h decrypted to a query string whose names or values are not UTF-8.');
      }
      return checkSsoFields(fields, now, maxAge, skew);
    },
    decode(h) {
      return decryptSsoData(cipher, h);
    },
    dispose() {
      cipher.wipe();
    },
  };
}

const SSO_FIELDS = new Set<string>(SSO_FIELD_NAMES);
const NESTED_NAME = /^(?:view_settings|settings)\[[^[\]]+\]$/;
const isSsoField = (name: string) =>
  NESTED_NAME.test(name) || (SSO_FIELDS.has(name) && name !== 'view_settings' && name !== 'settings');
const refuseField = refuseStrictField('createSsoUrl');

/** @internal Validates decoded v2 fields (unknown ones kept) and the age of `request_time`. */
export function checkSsoFields(
  raw: Record<string, string>,
  now: number,
  maxAge: number,
  skew: number,
): SsoFields & Record<string, unknown> {
  const fields = validateSsoFields(nestSsoFields(raw), 'keep');
  const sent = parseRequestTime(fields.request_time) as number; // validated above
  if (sent - skew > now) {
    throw new PrintLoungeError(
      'expired',
      `The SSO link is dated ${sent - now} s in the future (request_time ${fields.request_time}, allowed clock skew ${skew} s): check the sender's clock.`,
      { field: 'request_time', rule: 'future' },
    );
  }
  if (now - sent > maxAge + skew) {
    throw new PrintLoungeError(
      'expired',
      `The SSO link is ${now - sent} s old (request_time ${fields.request_time}); links are accepted for ${maxAge} s (plus ${skew} s clock skew).`,
      { field: 'request_time', rule: 'expiry' },
    );
  }
  return fields;
}
