import { ConfigurationError } from './errors.js';

/** Parses `url` as an http(s) URL, or throws a ConfigurationError naming `name`. */
export function parseHttpUrl(name: string, url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError(`${name} must be an absolute http(s) URL, got ${JSON.stringify(String(url))}.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigurationError(`${name} must use http or https, got ${JSON.stringify(parsed.protocol)}.`);
  }
  return parsed;
}
