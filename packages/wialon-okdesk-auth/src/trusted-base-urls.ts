import { ConfigurationError } from '@vendorkit/core';

/** A configured Wialon base URL, reduced to the only form a link's `baseUrl` may match. */
export interface TrustedWialonBaseUrl {
  /**
   * Normalised form: scheme, lower-case (punycode) host, port when not the default, path without
   * trailing slash. API calls go below it — always built from configuration, never from a link.
   */
  readonly normalized: string;
}

// Characters that a genuine Wialon base URL never contains and that URL parsers normalise
// away or treat inconsistently (backslashes, whitespace, control characters, userinfo).
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const FORBIDDEN_RAW = /[\\\s@\u0000-\u001f\u007f]/;
// Dot segments (`/./`, `/../`, encoded or not) and encoded slashes: a trusted URL has no use for them.
const PATH_TRICKS = /(^|\/)(\.|%2e){1,2}(\/|$|\?|#)|%2f|%5c/i;

/**
 * Reduces an http(s) URL to `scheme://host[:port][/path]` (lower-case host, punycode, default
 * port dropped, trailing slash dropped), or returns undefined when it is not a plain base URL:
 * userinfo, query, fragment, dot segments, backslashes or whitespace all disqualify it.
 */
export function normalizeBaseUrl(raw: string): string | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) return undefined;
  if (FORBIDDEN_RAW.test(raw) || PATH_TRICKS.test(raw)) return undefined;
  if (!/^https?:\/\/[^/]/i.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return undefined;
  if (raw.includes('?') || raw.includes('#')) return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

/**
 * Parses `trustedWialonBaseUrls` into exact base URLs, or throws a ConfigurationError naming
 * the bad entry. Entries are origins such as `https://hst-api.wialon.com` (a path is allowed
 * for installs served under one, e.g. a local sandbox).
 */
export function parseTrustedBaseUrls(entries: unknown): TrustedWialonBaseUrl[] {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new ConfigurationError(
      'trustedWialonBaseUrls must be a non-empty array of Wialon base URLs, e.g. ["https://hst-api.wialon.com"].',
    );
  }
  return entries.map((entry, index) => {
    const normalized = typeof entry === 'string' ? normalizeBaseUrl(entry) : undefined;
    if (normalized === undefined) {
      throw new ConfigurationError(
        `trustedWialonBaseUrls[${index}] must be a plain http(s) base URL without user info, query, fragment or dot segments, e.g. "https://hst-api.wialon.com"; got ${JSON.stringify(String(entry)).slice(0, 200)}.`,
      );
    }
    return { normalized };
  });
}

/**
 * The trusted entry a link's `baseUrl` designates, or undefined. Exact match after
 * normalisation: scheme, host and port must all agree, so `http://` never matches an
 * `https://` entry, and look-alike hosts, other ports or extra paths never match.
 */
export function matchTrustedBaseUrl(
  linkBaseUrl: string,
  trusted: readonly TrustedWialonBaseUrl[],
): TrustedWialonBaseUrl | undefined {
  const normalized = normalizeBaseUrl(linkBaseUrl);
  if (normalized === undefined) return undefined;
  return trusted.find((entry) => entry.normalized === normalized);
}
