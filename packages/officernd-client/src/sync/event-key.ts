/** JSON with object keys sorted at every level, so equal events give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * What identifies an event across its redeliveries: OfficeRnD's `event` id when the payload has
 * one, otherwise `sha256:` and the hex SHA-256 of the canonical JSON of the whole event (VENDORS.md
 * §1 [O]: the id may be missing; a redelivery carries the same payload, `createdAt` included).
 */
export async function eventKeyOf(event: { event?: unknown }): Promise<string> {
  if (typeof event.event === 'string' && event.event !== '') return event.event;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(event)));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return `sha256:${hex}`;
}
