import type { Rijndael } from '@vendorkit/rijndael';
import {
  decodeWithCipher,
  decryptQuery,
  encodeWithCipher,
  encryptQuery,
  uDataToCiphertext,
  urlencodeBase64,
} from './autologin-data.js';
import { bytesToBase64 } from './base64.js';
import { PrintLoungeError } from './errors.js';
import {
  AUTOLOGIN_FIELD_NAMES,
  type AutologinFields,
  type AutologinFieldsInput,
  autologinFieldsSchema,
  validateFields,
} from './fields.js';
import { alignedQuery } from './layout.js';
import { type NowOption, nonNegativeSeconds, positiveSeconds, unixSeconds } from './options.js';
import { type KeyHandling, passphraseCipher } from './passphrase.js';
import {
  parseStr,
  phpQueryParameter,
  phpScalarToString,
  type QueryFields,
  type QueryValue,
  refuseStrictField,
  strictQueryFields,
} from './php-query.js';
import { autologinEndpoint, type ShopLocation } from './shop-url.js';

/** Fields for a new link: like {@link AutologinFieldsInput}, but `valid_to` may be left to `validFor`. */
export type AutologinLinkFields = Omit<AutologinFieldsInput, 'valid_to'> & {
  valid_to?: AutologinFieldsInput['valid_to'];
};

/** Per-link options. */
export interface LinkTimingOptions {
  /** Seconds the link stays valid when `fields.valid_to` is not given. Default 300. */
  validFor?: number;
  /** Clock for `valid_to`; default the current time. */
  now?: NowOption;
}

/** Options of {@link createAutologinUrl}. */
export type CreateAutologinUrlOptions = ShopLocation &
  LinkTimingOptions & {
    /** The shop's SSO passphrase (UTF-8; 16, 24 or 32 bytes unless `keyHandling: 'legacy'`). */
    passphrase: string | Uint8Array;
    /** Fields of the vendor's table; validated with {@link autologinFieldsSchema}. */
    fields: AutologinLinkFields;
    /** See {@link KeyHandling}. Default `'strict'`. */
    keyHandling?: KeyHandling;
  };

/** Options of {@link createAutologinSigner}. */
export type AutologinSignerOptions = ShopLocation & {
  /** The shop's SSO passphrase. */
  passphrase: string | Uint8Array;
  /** See {@link KeyHandling}. Default `'strict'`. */
  keyHandling?: KeyHandling;
};

/** A signer bound to one shop and passphrase; the key is expanded once. */
export interface AutologinSigner {
  /** The shop's `autologin.php` URL. */
  readonly endpoint: string;
  /** A validated autologin link, like {@link createAutologinUrl}. */
  createUrl(fields: AutologinLinkFields, options?: LinkTimingOptions): string;
  /**
   * Just the `u_data` value for raw (unvalidated) fields, exactly like `encodeAutologinData` — PHP's
   * pipeline, without the splice-resistant layout of {@link AutologinSigner.createUrl}.
   */
  encode(fields: QueryFields): string;
  /** Zeroes the expanded key; later calls throw. */
  dispose(): void;
}

function validatedQueryFields(fields: AutologinLinkFields, timing: LinkTimingOptions): Map<string, QueryValue> {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new PrintLoungeError('invalid_field', 'fields must be an object of autologin fields.', { rule: 'type' });
  }
  const validFor = positiveSeconds(timing.validFor ?? 300, 'validFor');
  const input: Record<string, unknown> = { ...fields };
  const givenValidTo = input.valid_to !== undefined && input.valid_to !== null;
  if (!givenValidTo) input.valid_to = unixSeconds(timing.now) + validFor;
  const parsed = validateFields(input, 'reject') as Record<string, QueryValue>;
  // Keep the caller's order (PHP would); valid_to goes last when we added it.
  const ordered = new Map<string, QueryValue>();
  for (const name of Object.keys(fields)) if (name !== 'valid_to' || givenValidTo) ordered.set(name, parsed[name]);
  if (!givenValidTo) ordered.set('valid_to', parsed.valid_to);
  return ordered;
}

/** The `u_data` of validated fields in the splice-resistant layout (see layout.ts); PHP reads the same fields. */
function alignedUData(cipher: Rijndael, fields: ReadonlyMap<string, QueryValue>): string {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of fields) {
    if (value !== null && value !== undefined) pairs.push([name, phpScalarToString(name, value)]);
  }
  return urlencodeBase64(bytesToBase64(encryptQuery(cipher, alignedQuery(pairs, 32))));
}

function linkFor(endpoint: string, uData: string): string {
  return `${endpoint}${endpoint.includes('?') ? '&' : '?'}u_data=${uData}`;
}

/**
 * A ready autologin link: `https://SHOP.print-server.net/autologin.php?u_data=…` (or under `baseUrl`).
 * Fields are checked against the vendor's table first ({@link autologinFieldsSchema});
 * `valid_to` becomes now + `validFor` (default 300 s) unless given.
 *
 * Splice-resistant: the fields are laid out (every field starts a 32-byte block, `&` fill, safe escape
 * seams) so that no arrangement of blocks from links made for one user reads, to PHP's `parse_str`, as
 * another user or a later `valid_to` — except a user whose URL-encoded name starts with the same 13 bytes
 * (see the README's security notes). PHP reads exactly the fields `http_build_query` would send.
 *
 * @throws PrintLoungeError `invalid_field` / `missing_field` (naming field and rule; `unsafe_character` for a
 *   control character, `[` or `]` in a value), `invalid_key_size`; ConfigurationError for a bad shop, baseUrl,
 *   validFor or now.
 */
export function createAutologinUrl(options: CreateAutologinUrlOptions): string {
  const signer = createAutologinSigner(options);
  try {
    return signer.createUrl(options.fields, options);
  } finally {
    signer.dispose();
  }
}

/**
 * A reusable signer for one shop: expands the Rijndael key once, then builds links
 * ({@link AutologinSigner.createUrl}) or bare `u_data` values ({@link AutologinSigner.encode}) cheaply.
 */
export function createAutologinSigner(options: AutologinSignerOptions): AutologinSigner {
  const endpoint = autologinEndpoint(options);
  const cipher: Rijndael = passphraseCipher(options.passphrase, options.keyHandling);
  return {
    endpoint,
    createUrl(fields, timing = {}) {
      return linkFor(endpoint, alignedUData(cipher, validatedQueryFields(fields, timing)));
    },
    encode(fields) {
      return encodeWithCipher(cipher, fields);
    },
    dispose() {
      cipher.wipe();
    },
  };
}

/** Options of {@link parseAutologinUrl}. */
export interface ParseAutologinUrlOptions {
  /** The shop's SSO passphrase. */
  passphrase: string | Uint8Array;
  /** See {@link KeyHandling}. Default `'strict'`. */
  keyHandling?: KeyHandling;
  /** Clock; default the current time. */
  now?: NowOption;
  /** Seconds a link is still accepted after `valid_to`, for clocks that disagree. Default 30. */
  clockSkewSeconds?: number;
  /**
   * Default `true`: refuse links whose decrypted query has a field twice, a name PHP's `parse_str` would
   * rewrite (leading space, ' ', '.', '[', NUL), a piece without `=`, or a field not in the vendor's table
   * — links from `createAutologinUrl` never do, links spliced from other links mostly do
   * (`invalid_field`, rule `duplicate_field`, `rewritten_name`, `missing_value`, `unknown_field`).
   * `false` reads the link as PHP would (a later duplicate wins, unknown fields kept as strings), for
   * senders that add shop-specific fields or build queries by hand.
   */
  strict?: boolean;
}

/** The `u_data` parameter of an autologin URL, as sent (still URL-encoded). */
function rawUData(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url), 'http://receiver.invalid');
  } catch {
    throw new PrintLoungeError('invalid_url', 'The autologin URL cannot be parsed.');
  }
  // Like PHP's $_GET['u_data'] (last one wins, `u.data` counts), but kept raw so that a '+' sent
  // unencoded survives (URLSearchParams would make it a space).
  const raw = phpQueryParameter(parsed.search.slice(1), 'u_data');
  if (raw !== undefined) return raw;
  throw new PrintLoungeError(
    'missing_u_data',
    'The URL has no u_data parameter: it is not a Print-Lounge autologin link.',
  );
}

/**
 * The receiving side: reads `u_data` from an autologin URL (absolute, or a path with query like
 * `req.url`), decrypts it, validates the fields like {@link createAutologinUrl} and rejects expired links.
 * By default it also refuses what only a spliced or hand-made link holds (see
 * {@link ParseAutologinUrlOptions.strict}); with `strict: false` unknown extra fields are kept as strings.
 *
 * @throws PrintLoungeError `invalid_url`, `missing_u_data`, `invalid_u_data`, `invalid_passphrase`,
 *   `invalid_key_size`, `missing_field`, `invalid_field`, `expired`.
 */
export function parseAutologinUrl(
  url: string | URL,
  options: ParseAutologinUrlOptions,
): AutologinFields & Record<string, unknown> {
  if (typeof options !== 'object' || options === null) {
    throw new PrintLoungeError('invalid_key_size', 'parseAutologinUrl needs options with the passphrase.');
  }
  const receiver = createAutologinReceiver(options);
  try {
    return receiver.parse(url, options);
  } finally {
    receiver.dispose();
  }
}

/** Options of {@link createAutologinReceiver}. */
export type AutologinReceiverOptions = Omit<ParseAutologinUrlOptions, 'now'>;

/** A receiver bound to one passphrase; the key is expanded once. */
export interface AutologinReceiver {
  /** Like {@link parseAutologinUrl}: decode, validate, reject expired. */
  parse(url: string | URL, options?: { now?: NowOption }): AutologinFields & Record<string, unknown>;
  /** Like `decodeAutologinData`: what PHP's `parse_str` sees, no field rules. */
  decode(uData: string): Record<string, string>;
  /** Zeroes the expanded key; later calls throw. */
  dispose(): void;
}

/**
 * The receiving side for many links (a shop, a test double, a gateway): expands the key once, then
 * parses links ({@link AutologinReceiver.parse}) or bare `u_data` values ({@link AutologinReceiver.decode}).
 */
export function createAutologinReceiver(options: AutologinReceiverOptions): AutologinReceiver {
  const skew = nonNegativeSeconds(options.clockSkewSeconds ?? 30, 'clockSkewSeconds');
  const strict = options.strict ?? true;
  const cipher = passphraseCipher(options.passphrase, options.keyHandling);
  return {
    parse(url, parseOptions = {}) {
      const now = unixSeconds(parseOptions.now);
      const query = decryptQuery(cipher, uDataToCiphertext(rawUData(url)));
      const fields = strict ? strictQueryFields(query, isAutologinField, refuseField) : parseStr(query);
      if (fields === undefined) {
        throw new PrintLoungeError(
          'invalid_u_data',
          'u_data decrypted to a query string whose names or values are not UTF-8.',
        );
      }
      return checkAutologinFields(fields, now, skew);
    },
    decode(uData) {
      return decodeWithCipher(cipher, uDataToCiphertext(uData));
    },
    dispose() {
      cipher.wipe();
    },
  };
}

const AUTOLOGIN_FIELDS = new Set<string>(AUTOLOGIN_FIELD_NAMES);
const isAutologinField = (name: string) => AUTOLOGIN_FIELDS.has(name);

const refuseField = refuseStrictField('createAutologinUrl');

/** @internal Validates decoded fields (unknown ones kept: a newer sender may add some) and the expiry. */
export function checkAutologinFields(
  raw: Record<string, string>,
  now: number,
  skew: number,
): AutologinFields & Record<string, unknown> {
  const fields = validateFields(raw, 'keep');
  if (fields.valid_to + skew < now) {
    throw new PrintLoungeError(
      'expired',
      `The autologin link expired ${now - fields.valid_to} s ago (valid_to ${fields.valid_to}, allowed clock skew ${skew} s).`,
      { field: 'valid_to', rule: 'expiry' },
    );
  }
  return fields;
}
