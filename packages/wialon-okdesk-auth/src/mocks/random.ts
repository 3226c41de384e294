/** `bytes` random bytes as lower-case hex (Wialon hashes and session ids look like this). */
export function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buffer, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Base URL without a trailing slash, or a TypeError naming the option. */
export function trimBaseUrl(name: string, value: string): string {
  try {
    const url = new URL(value);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    throw new TypeError(`${name} must be an absolute URL, got ${JSON.stringify(value)}.`);
  }
}
