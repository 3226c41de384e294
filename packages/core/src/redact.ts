/** What replaces a secret in text shown to users or logs. */
export const REDACTED = '[REDACTED]';

/**
 * Returns `url` with the values of the named query parameters replaced by
 * `[REDACTED]`. Unparseable input is returned with every `name=value` pair for those
 * names redacted textually, so nothing slips through on odd input.
 */
export function redactUrl(url: string | URL, params: readonly string[]): string {
  const text = String(url);
  if (params.length === 0) return text;
  const names = params.map((p) => p.toLowerCase());
  return text.replace(/([?&])([^=&#]*)=([^&#]*)/g, (whole, sep: string, rawName: string) => {
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      // keep the raw name
    }
    return names.includes(name.toLowerCase()) ? `${sep}${rawName}=${REDACTED}` : whole;
  });
}

/**
 * Replaces every occurrence of each secret (and its URL-encoded forms) in `text`.
 * Empty or very short secrets are ignored: redacting "a" everywhere would destroy the text
 * and protect nothing.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 3) continue;
    const forms = new Set([secret, encodeURIComponent(secret), encodeURIComponent(secret).replace(/%20/g, '+')]);
    for (const form of forms) out = out.split(form).join(REDACTED);
  }
  return out;
}
