import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OfficeRnDClient, type OfficeRnDClientOptions } from '@vendorkit/officernd-client';
import { createOfficeRnDMock, type OfficeRnDMock, type OfficeRnDMockOptions } from '@vendorkit/officernd-client/mocks';
import { getResponse, type RequestHandler } from 'msw';
import { setupServer } from 'msw/node';

export const SECRET = 'super-secret-client-credential-42';

/** A mock, an MSW server (unhandled requests fail the test) and a client on it. */
export function setupMock(mockOptions: OfficeRnDMockOptions = {}) {
  const mock = createOfficeRnDMock({
    clients: [{ clientId: 'app-1', clientSecret: SECRET }],
    orgSlug: 'acme',
    ...mockOptions,
  });
  const server = setupServer(...mock.handlers);
  server.listen({ onUnhandledRequest: 'error' });
  const clientFor = (options: Partial<OfficeRnDClientOptions> = {}) =>
    new OfficeRnDClient({
      orgSlug: 'acme',
      clientId: 'app-1',
      clientSecret: SECRET,
      ...(mockOptions.baseUrl ? { baseUrl: mockOptions.baseUrl } : {}),
      ...(mockOptions.identityUrl ? { identityUrl: mockOptions.identityUrl } : {}),
      ...options,
    });
  return { mock, server, clientFor, close: () => server.close() };
}

/** Serves MSW handlers on a real loopback HTTP server (as the vendorkit sandbox does). */
export async function serveHandlers(handlers: RequestHandler[]): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = `http://${req.headers.host}${req.url}`;
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const request = new Request(url, {
      method: req.method ?? 'GET',
      headers,
      ...(body.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? { body } : {}),
    });
    const response = (await getResponse(handlers, request)) ?? new Response('no handler', { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Collects an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Catches the rejection of `promise` (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

export type { OfficeRnDMock };
