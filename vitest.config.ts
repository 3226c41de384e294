import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, defineProject } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const packages = [
  'core',
  'rijndael',
  'printlounge-sso',
  'mcparken-session',
  'officernd-client',
  'wialon-okdesk-auth',
  'redis-store',
];

// Tests import packages by their published names; these aliases point those names at the
// sources so a test never runs against a stale build.
const alias = [
  ...packages.flatMap((name) => [
    { find: new RegExp(`^@vendorkit/${name}/mocks$`), replacement: `${root}packages/${name}/src/mocks/index.ts` },
    { find: new RegExp(`^@vendorkit/${name}$`), replacement: `${root}packages/${name}/src/index.ts` },
  ]),
  { find: /^vendorkit\/(.+)$/, replacement: `${root}packages/vendorkit/src/$1.ts` },
  { find: /^vendorkit$/, replacement: `${root}packages/vendorkit/src/index.ts` },
];

const project = (name: string, extra: { testTimeout?: number } = {}) =>
  defineProject({
    resolve: { alias },
    // What tsup compiles in at build time (see tsup.shared.ts); here the version of the package under test.
    define: {
      __VENDORKIT_VERSION__: JSON.stringify(
        (JSON.parse(readFileSync(`${root}packages/${name}/package.json`, 'utf8')) as { version: string }).version,
      ),
    },
    test: {
      name,
      root: `${root}packages/${name}`,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: extra.testTimeout ?? 20_000,
    },
  });

export default defineConfig({
  test: {
    projects: [
      project('core'),
      project('rijndael'),
      project('printlounge-sso'),
      project('mcparken-session'),
      project('officernd-client'),
      project('wialon-okdesk-auth'),
      project('redis-store'),
      project('vendorkit', { testTimeout: 60_000 }),
    ],
  },
});
