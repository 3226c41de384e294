import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';

/** Options of {@link serveRequestHandlers}. */
export interface ServeRequestHandlersOptions {
  /** TCP port; `0` picks a free one. */
  port: number;
  /** Interface to bind, e.g. `127.0.0.1`. */
  host: string;
  /**
   * Called once the port is known, before the first request is served: returns the MSW
   * handlers to answer with (the sandbox builds its vendor mocks here, because their base
   * URLs contain the port).
   */
  createHandlers: (origin: string) => RequestHandler[];
}

/** A running loopback server answering through MSW handlers. */
export interface RunningHandlerServer {
  /** `http://host:port`, without a trailing slash. */
  origin: string;
  /** The bound port. */
  port: number;
  /** Stops accepting connections, ends open ones and resolves when the server is closed. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * Serves MSW request handlers as real HTTP with `node:http`: each `IncomingMessage` becomes a
 * Fetch `Request`, is resolved with msw's `getResponse` and the `Response` is written back.
 * Nothing is intercepted globally; requests no handler answers get a JSON 404.
 */
export async function serveRequestHandlers(options: ServeRequestHandlersOptions): Promise<RunningHandlerServer> {
  let handlers: RequestHandler[] = [];
  let origin = '';
  const server: Server = createServer((req, res) => {
    answer(handlers, origin, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: 'sandbox_internal_error', message: String((error as Error)?.message ?? error) }),
        );
      } else {
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  origin = `http://${hostInUrl}:${port}`;
  handlers = options.createHandlers(origin);
  return {
    origin,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function answer(
  handlers: RequestHandler[],
  origin: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const request = await toFetchRequest(req, origin);
  if (request === undefined) {
    res.writeHead(413, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'payload_too_large', limitBytes: MAX_BODY_BYTES }));
    return;
  }
  const response = await getResponse(handlers, request);
  if (!response) {
    const { pathname } = new URL(request.url);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'no_sandbox_route', method: request.method, path: pathname }));
    return;
  }
  await writeFetchResponse(response, res, request.method, clientOrigin(req, origin));
}

/** The origin the client used (its Host header), when it names another host than the server's. */
function clientOrigin(req: IncomingMessage, origin: string): { server: string; client: string } | undefined {
  const host = req.headers.host;
  if (!host || !/^[A-Za-z0-9.\-[\]:]+$/.test(host)) return undefined;
  const client = `http://${host}`;
  return client === origin ? undefined : { server: origin, client };
}

/**
 * The request as a Fetch `Request` on the server's own origin: the handlers are registered for
 * that origin, so a client that says `Host: localhost:4010` (or anything else) still reaches them.
 */
async function toFetchRequest(req: IncomingMessage, origin: string): Promise<Request | undefined> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const path = req.url?.startsWith('/') ? req.url : '/';
  const url = new URL(path, origin);
  const method = req.method ?? 'GET';
  let body: Uint8Array | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Uint8Array).byteLength;
      if (size > MAX_BODY_BYTES) return undefined;
      chunks.push(chunk as Uint8Array);
    }
    body = concat(chunks, size);
  }
  return new Request(url, { method, headers, body: body as BodyInit | undefined });
}

async function writeFetchResponse(
  response: Response,
  res: ServerResponse,
  method: string,
  origins: { server: string; client: string } | undefined,
): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === 'set-cookie' || name === 'content-length' || name === 'transfer-encoding') return;
    // Keep a browser on the host it used (localhost vs 127.0.0.1), so its cookies still apply.
    headers[name] =
      name === 'location' && origins && value.startsWith(`${origins.server}/`)
        ? `${origins.client}${value.slice(origins.server.length)}`
        : value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  const body = method === 'HEAD' ? new Uint8Array() : new Uint8Array(await response.arrayBuffer());
  headers['content-length'] = String(body.byteLength);
  res.writeHead(response.status, response.statusText || undefined, headers);
  res.end(body);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
