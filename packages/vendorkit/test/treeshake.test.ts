/**
 * `sideEffects: false` and one entry per package: a bundler keeps only the packages that are
 * used. Bundles the built `vendorkit` entries with esbuild and inspects which modules (named through
 * the dist source maps) ended up inside.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(`${packageDir}dist/index.js`);
if (!built) console.warn('\n⚠️  SKIPPING the tree-shaking test: run `pnpm run build` first.\n');

async function bundledInputs(contents: string): Promise<string[]> {
  const result = await build({
    stdin: { contents, resolveDir: packageDir, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    minify: true,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(Object.values(result.metafile.outputs)[0]!.inputs).filter(
    (input) => (Object.values(result.metafile.outputs)[0]!.inputs[input]?.bytesInOutput ?? 0) > 0,
  );
}

const mentions = (inputs: string[], name: string) => inputs.some((input) => input.includes(name));

describe.skipIf(!built)('tree shaking of the umbrella', () => {
  it('a namespace import keeps only that package (and what it uses)', async () => {
    const inputs = await bundledInputs(
      "import { printloungeSso } from 'vendorkit'; console.log(printloungeSso.encodeAutologinData('a', 'k'));",
    );
    expect(mentions(inputs, 'printlounge-sso/')).toBe(true);
    expect(mentions(inputs, 'rijndael/')).toBe(true);
    for (const other of [
      'officernd-client',
      'mcparken-session',
      'wialon-okdesk-auth',
      '/msw/',
      '/commander/',
      '/ky/',
    ]) {
      expect(mentions(inputs, other), other).toBe(false);
    }
  });

  it('a subpath import of one function leaves out the rest of its package', async () => {
    const inputs = await bundledInputs(
      "import { encodeAutologinData } from 'vendorkit/printlounge-sso'; console.log(encodeAutologinData('a', 'k'));",
    );
    expect(mentions(inputs, 'printlounge-sso/')).toBe(true);
    expect(mentions(inputs, '/zod/')).toBe(false);
  });
});
