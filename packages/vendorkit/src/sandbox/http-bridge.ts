import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@vendorkit/wialon-okdesk-auth';
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
 * Serves MSW request handlers as real HTTP with `node:http`: each request is turned into a Fetch
 * `Request` on the server's own origin by `toNodeHandler` (the one Node-to-Fetch bridge, from
 * `@vendorkit/wialon-okdesk-auth`), resolved with msw's `getResponse`, and written back.
 * Nothing is intercepted globally; requests no handler answers get a JSON 404, bodies over
 * 5 MiB a 413.
 */
export async function serveRequestHandlers(options: ServeRequestHandlersOptions): Promise<RunningHandlerServer> {
  let serve: ReturnType<typeof toNodeHandler> | undefined;
  const server: Server = createServer((req, res) => {
    void serve?.(req, res);
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
  const origin = `http://${hostInUrl}:${port}`;
  const handlers = options.createHandlers(origin);
  // The handlers are registered for the server's own origin, so every request is built on it,
  // whatever Host the client said (`localhost:4010`, a LAN name…).
  serve = toNodeHandler((request) => answer(handlers, origin, request), {
    publicOrigin: origin,
    maxBodyBytes: MAX_BODY_BYTES,
  });
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

async function answer(handlers: RequestHandler[], origin: string, request: Request): Promise<Response> {
  let response: Response | undefined;
  try {
    response = await getResponse(handlers, request);
  } catch (error) {
    return Response.json(
      { error: 'sandbox_internal_error', message: String((error as Error)?.message ?? error) },
      { status: 500 },
    );
  }
  if (!response) {
    const { pathname } = new URL(request.url);
    return Response.json({ error: 'no_sandbox_route', method: request.method, path: pathname }, { status: 404 });
  }
  return keepClientHost(response, origin, request.headers.get('host'));
}

/**
 * Keeps a browser on the host it used (localhost vs 127.0.0.1), so its cookies still apply: a
 * redirect to the server's own origin is rewritten to the origin the client named.
 */
function keepClientHost(response: Response, origin: string, host: string | null): Response {
  const location = response.headers.get('location');
  if (!host || !/^[A-Za-z0-9.\-[\]:]+$/.test(host) || location === null) return response;
  const client = `http://${host}`;
  if (client === origin || !location.startsWith(`${origin}/`)) return response;
  const headers = new Headers(response.headers);
  headers.set('location', `${client}${location.slice(origin.length)}`);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
