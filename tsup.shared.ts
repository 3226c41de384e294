import type { Options } from 'tsup';

/** The tsup settings every package shares: ESM only, .d.ts, no bundling of dependencies. */
export function packageConfig(entry: Record<string, string>, overrides: Options = {}): Options {
  return {
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
