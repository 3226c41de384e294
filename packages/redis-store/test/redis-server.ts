/**
 * Starts throwaway `redis-server` processes for the tests: loopback only, a free port, no
 * persistence. A missing binary fails under CI and skips the Redis suites loudly elsewhere.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe } from 'vitest';

const binary = process.env.REDIS_SERVER_BIN ?? 'redis-server';
const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
/** Whether a runnable `redis-server` was found. */
export const redisServerFound = probe.status === 0;
// Skipped (loudly) where Redis is missing on a developer machine, or when asked to; under CI a
// missing Redis fails, since `npm test` installs it there (scripts/ensure-system-deps.mjs).
const skip = !redisServerFound && (process.env.VENDORKIT_SKIP_REDIS === '1' || !process.env.CI);

const MISSING = `redis-server not found (tried ${JSON.stringify(binary)} on PATH): the @vendorkit/redis-store tests need a real Redis. Install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), point REDIS_SERVER_BIN at the binary, or set VENDORKIT_SKIP_REDIS=1 to skip these tests.`;

if (skip) {
  console.warn(`\n!!! SKIPPING @vendorkit/redis-store Redis tests: ${MISSING}\n`);
}

/** `describe` for suites that need Redis: skipped only when Redis is missing outside CI (or VENDORKIT_SKIP_REDIS=1). */
export function describeWithRedis(name: string, body: () => void): void {
  (skip ? describe.skip : describe)(name, body);
}

/** A running redis-server started by {@link startRedisServer}. */
export interface RedisServer {
  port: number;
  /** `redis://127.0.0.1:<port>` (without credentials). */
  url: string;
  /** Stops the server and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Pauses (SIGSTOP) the process: connections stay open, nothing answers. */
  pause(): void;
  /** Resumes a paused server (SIGCONT). */
  resume(): void;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A port that was free a moment ago on 127.0.0.1 (redis-server needs an explicit one). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('could not get a free port');
  return address.port;
}

/** Starts a redis-server on 127.0.0.1 and resolves once it accepts connections. */
export async function startRedisServer(options: { port?: number; args?: string[] } = {}): Promise<RedisServer> {
  if (!redisServerFound) throw new Error(MISSING);
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(port, options.args ?? []);
    } catch (error) {
      // Another process may have taken the port between freePort() and the launch.
      if (options.port !== undefined || attempt >= 3) throw error;
    }
  }
}

async function launch(port: number, args: string[]): Promise<RedisServer> {
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      tmpdir(),
      '--daemonize',
      'no',
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  let output = '';
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) =>
      fail(new Error(`redis-server exited early (code ${code}, signal ${signal}):\n${output}`)),
    );
    child.once('error', fail);
  });
  child.stdout?.resume();
  child.stderr?.resume();
  let stopped: Promise<void> | undefined;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop(signal = 'SIGTERM') {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          // A paused server ignores SIGTERM until resumed; SIGKILL needs no resume (and a
          // resume would let it answer what it was sent while paused).
          if (signal !== 'SIGKILL') child.kill('SIGCONT');
          child.kill(signal);
          await exited;
        }
        running.delete(child);
      })();
      return stopped;
    },
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
  };
}

/** Starts a server before the enclosing suite's tests and stops it after them. */
export function useRedisServer(args: string[] = []): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer({ args });
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('the Redis server is not running (did beforeAll fail?)');
    return server;
  };
}
