import type { IncomingMessage, ServerResponse } from 'node:http';

/** Options of {@link toNodeHandler}. */
export interface NodeHandlerOptions {
  /**
   * The public origin used to build `request.url`, e.g. `https://portal.example.com`. Default:
   * taken from the `Host` header (only the query string matters to `handle()`).
   */
  publicOrigin?: string;
  /**
   * Largest request body read into memory; a longer one is answered 413 without calling the
   * handler. Default 64 KiB (`handle()` itself accepts only GET, which has no body).
   */
  maxBodyBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * Adapts a fetch-style handler (such as `auth.handle`) to `node:http` / Express:
 * `http.createServer(toNodeHandler(auth.handle))` or `app.get('/wialonauth', toNodeHandler(auth.handle))`.
 * Builds a `Request` from the IncomingMessage (Express's `originalUrl` when mounted), writes the
 * `Response` back (status, headers including several `Set-Cookie`, streamed body). A handler
 * that throws answers 500 with no detail; the error goes to `next` when Express provides one.
 * `request.signal` aborts when the client goes away before the answer is written, so that
 * `handle()` cancels its upstream calls; nothing is answered or passed to `next` then.
 */
export function toNodeHandler(
  handler: (request: Request) => Promise<Response>,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => Promise<void> {
  return async (req, res, next) => {
    const disconnected = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) {
        disconnected.abort(new DOMException('The client closed the connection.', 'AbortError'));
      }
    };
    res.once('close', onClose);
    try {
      const request = await toRequest(req, options, disconnected.signal);
      if (request === undefined) {
        res.writeHead(413, {
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'close',
        });
        res.end('Payload Too Large');
        return;
      }
      await writeResponse(res, await handler(request));
    } catch (error) {
      if (disconnected.signal.aborted) return; // nobody left to answer
      if (next) {
        next(error);
        return;
      }
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.setHeader('cache-control', 'no-store');
      }
      res.end('Internal Server Error');
    } finally {
      res.off('close', onClose);
    }
  };
}

/** The request as a Fetch `Request`, or `undefined` when its body is longer than allowed. */
async function toRequest(
  req: IncomingMessage,
  options: NodeHandlerOptions,
  signal: AbortSignal,
): Promise<Request | undefined> {
  const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const origin = options.publicOrigin ?? `http://${sanitizeHost(req.headers.host)}`;
  const url = new URL(path.startsWith('/') ? path : `/${path}`, origin);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers, signal });
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req) {
    const bytes: Uint8Array = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    size += bytes.byteLength;
    if (size > maxBodyBytes) return undefined;
    chunks.push(bytes);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new Request(url, { method, headers, body, signal });
}

function sanitizeHost(host: string | undefined): string {
  return host && /^[A-Za-z0-9.\-:[\]]{1,255}$/.test(host) ? host : 'localhost';
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  const cookies = response.headers.getSetCookie();
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    // Respect backpressure: wait for 'drain' (or the client going away) when the buffer is full.
    if (!res.write(value)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
      if (res.destroyed) {
        await reader.cancel().catch(() => undefined);
        return;
      }
    }
  }
  res.end();
}
