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

const utf8 = new TextEncoder();

/** PHP's `urlencode` (form encoding; only `A-Za-z0-9._-` stay) or `rawurlencode` (RFC 3986: `~` stays, space is `%20`). */
function phpUrlencode(text: string, raw: boolean): string {
  let out = '';
  for (const byte of utf8.encode(text)) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9._-]/.test(char) || (raw && char === '~')) out += char;
    else if (!raw && char === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function base64Forms(text: string): string[] {
  let binary = '';
  for (const byte of utf8.encode(text)) binary += String.fromCharCode(byte);
  const standard = btoa(binary);
  const unpadded = standard.replace(/=+$/, '');
  return [standard, unpadded, unpadded.replace(/\+/g, '-').replace(/\//g, '_')];
}

/** The JSON string body of `text`, and the same with every non-ASCII character as `\uXXXX` (as ASCII-only serialisers write it). */
function jsonForms(text: string): string[] {
  const body = JSON.stringify(text).slice(1, -1);
  const ascii = body.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [body, ascii, ascii.replace(/\\u([0-9a-f]{4})/g, (_, hex: string) => `\\u${hex.toUpperCase()}`)];
}

/** Every way a secret is commonly written into a URL, a form body, a header or a JSON document. */
function encodedForms(secret: string): string[] {
  // Lone surrogates cannot be percent-encoded; encoders write U+FFFD for them.
  const wellFormed = secret.toWellFormed();
  const form = new URLSearchParams([['', wellFormed]]).toString().slice(1);
  const percentForms = [
    encodeURIComponent(wellFormed),
    encodeURIComponent(wellFormed).replace(/%20/g, '+'),
    encodeURI(wellFormed),
    form,
    phpUrlencode(wellFormed, false),
    phpUrlencode(wellFormed, true),
  ];
  // A URL echoed inside another URL's query string is encoded twice.
  const twice = percentForms.map((f) => encodeURIComponent(f));
  // Base64 travels in query strings too, where `+`, `/` and `=` are percent-encoded.
  const base64 = base64Forms(wellFormed);
  const base64InUrls = base64.map((f) => encodeURIComponent(f));
  return [secret, wellFormed, ...percentForms, ...twice, ...base64, ...base64InUrls, ...jsonForms(secret)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A pattern for `form` in which every `%XX` escape matches in either case (`%2f` as well as `%2F`). */
function caseInsensitiveEscapes(form: string): string {
  return escapeRegExp(form).replace(/%([0-9A-Fa-f])([0-9A-Fa-f])/g, (_, high: string, low: string) => {
    const both = (c: string) => (/[0-9]/.test(c) ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`);
    return `%${both(high)}${both(low)}`;
  });
}

/**
 * Replaces every occurrence of each secret in `text`, in every encoding it is likely to travel
 * in: as is, percent-encoded (`encodeURIComponent`, `encodeURI`, form encoding as
 * `URLSearchParams` writes it, PHP's `urlencode` and `rawurlencode`, either hex case, and twice
 * over), base64 and base64url (also percent-encoded), and as a JSON string (also `\uXXXX`-escaped). Run any text a
 * vendor sends back through it: servers echo request URLs and bodies.
 *
 * Secrets shorter than 3 characters are ignored: redacting "a" everywhere would destroy the text
 * and protect nothing.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < 3) continue;
    for (const form of encodedForms(secret)) if (form.length >= 3) forms.add(form);
  }
  if (forms.size === 0) return text;
  // Longest first, so a form that contains another is replaced whole.
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map(caseInsensitiveEscapes);
  return text.replace(new RegExp(alternatives.join('|'), 'g'), REDACTED);
}
