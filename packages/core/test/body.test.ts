import { describe, expect, it } from 'vitest';
import { readTextUpTo } from '../src/index.js';

const streamOf = (chunks: string[], onCancel?: () => void) =>
  new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(next));
    },
    cancel: onCancel,
  });

describe('readTextUpTo', () => {
  it('returns the whole body as UTF-8 text when it fits, across chunk boundaries', async () => {
    const euro = new TextEncoder().encode('€'); // three bytes, split over two chunks
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(euro.slice(0, 1));
        controller.enqueue(euro.slice(1));
        controller.close();
      },
    });
    expect(await readTextUpTo(new Response(body), 3)).toBe('€');
    expect(await readTextUpTo(new Response(null), 10)).toBe('');
  });

  it('gives up with undefined past the limit, without reading the rest, and cancels the stream', async () => {
    let cancelled = false;
    const chunks = ['aaaa', 'bbbb', 'cccc', 'dddd'];
    const text = await readTextUpTo(
      new Response(
        streamOf(chunks, () => {
          cancelled = true;
        }),
      ),
      6,
    );
    expect(text).toBeUndefined();
    expect(cancelled).toBe(true);
    expect(chunks.length).toBeGreaterThan(0);
  });

  it('rethrows an error raised while reading', async () => {
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new TypeError('socket hang up'));
      },
    });
    await expect(readTextUpTo(new Response(body), 100)).rejects.toThrow('socket hang up');
  });
});
