/**
 * Reads a response body as UTF-8 text, but at most `maxBytes` of it: resolves `undefined`
 * (and cancels the stream) as soon as the body turns out to be longer, so a hostile or broken
 * server cannot make the client buffer without bound. Errors while reading are rethrown.
 */
export async function readTextUpTo(response: Response, maxBytes: number): Promise<string | undefined> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: some fetch implementations (MSW's among them) never settle a cancel.
      void reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}
