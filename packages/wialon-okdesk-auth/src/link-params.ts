import { WialonAuthError } from './errors.js';

/** The three parameters Wialon appends to the application link ("Current user", "Base URL", "Authorize hash"). */
export interface WialonLinkParams {
  /** Wialon user name ("Current user"). */
  user: string;
  /** Wialon API base URL ("Base URL"), attacker-controlled until matched against the trusted list. */
  baseUrl: string;
  /** One-time authorisation hash ("Authorize hash"); a secret. */
  authHash: string;
}

/**
 * What `verify()` accepts: the full link URL (string or `URL`), its query string, a
 * `URLSearchParams`, or a record such as Express's `req.query`.
 */
export type WialonLinkInput = string | URL | URLSearchParams | Readonly<Record<string, unknown>>;

const LIMITS = { user: 256, baseUrl: 2048, authHash: 512 } as const;
const NAMES = ['user', 'baseUrl', 'authHash'] as const;

/**
 * Reads `user`, `baseUrl` and `authHash` from a link. Fails with `missing_parameter` when one
 * is absent, empty, repeated (ambiguous), not a string, too long or contains control
 * characters. The message names the parameter, never its value.
 */
export function parseLinkParams(input: WialonLinkInput): WialonLinkParams {
  const values = collect(input);
  const out: Partial<Record<(typeof NAMES)[number], string>> = {};
  for (const name of NAMES) {
    const raw = values(name);
    if (raw.length === 0 || raw[0] === undefined || raw[0] === '') {
      throw new WialonAuthError('missing_parameter', `The link has no "${name}" parameter (or it is empty).`);
    }
    if (raw.length > 1) {
      throw new WialonAuthError(
        'missing_parameter',
        `The link repeats the "${name}" parameter; exactly one is allowed.`,
      );
    }
    const value = raw[0];
    if (typeof value !== 'string') {
      throw new WialonAuthError('missing_parameter', `The "${name}" parameter must be a single string.`);
    }
    if (value.length > LIMITS[name]) {
      throw new WialonAuthError(
        'missing_parameter',
        `The "${name}" parameter is longer than ${LIMITS[name]} characters.`,
      );
    }
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    if (/[\u0000-\u001f\u007f]/.test(value)) {
      throw new WialonAuthError('missing_parameter', `The "${name}" parameter contains control characters.`);
    }
    out[name] = value;
  }
  return out as WialonLinkParams;
}

function collect(input: WialonLinkInput): (name: string) => unknown[] {
  if (input instanceof URLSearchParams) return (name) => input.getAll(name);
  if (input instanceof URL) return (name) => input.searchParams.getAll(name);
  if (typeof input === 'string') {
    const params = searchParamsOf(input);
    return (name) => params.getAll(name);
  }
  if (typeof input === 'object' && input !== null) {
    return (name) => {
      if (!Object.hasOwn(input, name)) return [];
      const value = (input as Record<string, unknown>)[name];
      // Arrays (Express's `a=1&a=2` or `a[]=x`) are never a single string: refused below.
      return value === undefined ? [] : [value];
    };
  }
  throw new WialonAuthError('missing_parameter', 'verify() needs the link URL, its query string or its parameters.');
}

function searchParamsOf(text: string): URLSearchParams {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      return new URL(text).searchParams;
    } catch {
      throw new WialonAuthError('missing_parameter', 'The link is not a valid URL.');
    }
  }
  const query = text.includes('?') ? text.slice(text.indexOf('?') + 1) : text;
  return new URLSearchParams(query.split('#')[0]);
}
