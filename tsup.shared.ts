import { readFileSync } from 'node:fs';
import type { Options } from 'tsup';

/**
 * The tsup settings every package shares: ESM only, .d.ts, no bundling of dependencies, and the
 * package's version compiled in as `__VENDORKIT_VERSION__` (for the User-Agent header).
 */
export function packageConfig(entry: Record<string, string>, overrides: Options = {}): Options {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  return {
    define: { __VENDORKIT_VERSION__: JSON.stringify(version) },
    entry,
    format: ['esm'],
    target: 'es2022',
    platform: 'neutral',
    dts: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
    splitting: true,
    ...overrides,
  };
}
