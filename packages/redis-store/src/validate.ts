import { ConfigurationError } from '@vendorkit/core';
import { RedisStoreInputError } from './errors.js';

/** Rejects keys and values Redis could not give back unchanged. */
export function assertStorable(what: 'key' | 'value', text: unknown): asserts text is string {
  if (typeof text !== 'string') {
    throw new RedisStoreInputError(`RedisStore: the ${what} must be a string, got ${typeof text}.`);
  }
  if (!text.isWellFormed()) {
    throw new RedisStoreInputError(
      `RedisStore: the ${what} contains a lone UTF-16 surrogate, which Redis (UTF-8) would store altered; normalise or encode it first.`,
    );
  }
}

/** Largest delay `setTimeout` honours; above it Node fires after 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/** Checks a timeout option: a positive integer number of milliseconds a timer can hold. */
export function readTimeout(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMER_MS) {
    throw new ConfigurationError(
      `createRedisStore: options.${name} must be a whole number of milliseconds between 1 and ${MAX_TIMER_MS}, got ${describe(value)}.`,
    );
  }
  return value;
}

/** A short, secret-free description of an invalid option value. */
export function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return `a ${typeof value}`;
}

/** The parts of a Redis URL this package needs, with the password kept apart for redaction. */
export interface ParsedRedisUrl {
  /** `host:port` (or the host alone), without credentials: safe to show. */
  location: string;
  /** The password as written and decoded, for redaction; empty when there is none. */
  secrets: string[];
}

/**
 * Validates a `redis://` or `rediss://` URL without ever echoing its password: an
 * invalid URL is described with the password replaced by `[REDACTED]`, or not at all.
 */
export function parseRedisUrl(value: unknown): ParsedRedisUrl {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigurationError(
      `createRedisStore: options.url must be a redis:// or rediss:// URL string, got ${describe(value)}.`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(
      'createRedisStore: options.url is not a valid URL; expected redis://[[user]:password@]host[:port][/db] or rediss://… (the value is not shown, it may hold a password).',
    );
  }
  // ioredis also reads options from the query string, a password among them.
  const secrets = [...collectSecrets(url.password), ...collectSecrets(url.searchParams.get('password') ?? '')];
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ConfigurationError(
      `createRedisStore: options.url must use redis:// or rediss:// (TLS), got ${url.protocol}//… ; pass a configured ioredis client as options.client for sockets, Sentinel or Cluster.`,
    );
  }
  if (url.hostname === '') {
    throw new ConfigurationError('createRedisStore: options.url has no host; expected redis://host[:port][/db].');
  }
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) {
    throw new ConfigurationError(
      `createRedisStore: the path of options.url must be a database number such as /0, got ${JSON.stringify(url.pathname)}.`,
    );
  }
  return { location: url.port ? `${url.hostname}:${url.port}` : `${url.hostname}:6379`, secrets };
}

function collectSecrets(password: string): string[] {
  if (password === '') return [];
  const forms = new Set([password]);
  try {
    forms.add(decodeURIComponent(password));
    forms.add(decodeURIComponent(password.replace(/\+/g, ' ')));
  } catch {
    // keep the raw form only
  }
  return [...forms];
}
