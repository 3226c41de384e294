// Size budgets (minified + gzipped, dependencies included), checked by `pnpm check`.
// Limits sit a little above the measured size so that growth is a decision, not an accident.
const nodeOnly = (config) => ({ ...config, platform: 'node' });
const pkg = (name, dir, limit, extra = {}) => ({
  name,
  path: `packages/${dir}/dist/index.js`,
  import: '*',
  gzip: true,
  limit,
  ...extra,
});

export default [
  pkg('@vendorkit/core', 'core', '7 kB'),
  pkg('@vendorkit/rijndael', 'rijndael', '13 kB'),
  pkg('@vendorkit/printlounge-sso', 'printlounge-sso', '34 kB'),
  pkg('@vendorkit/mcparken-session', 'mcparken-session', '19.5 kB'),
  pkg('@vendorkit/officernd-client', 'officernd-client', '28 kB'),
  pkg('@vendorkit/wialon-okdesk-auth', 'wialon-okdesk-auth', '22 kB'),
  pkg('@vendorkit/redis-store (Node only)', 'redis-store', '54 kB', { modifyEsbuildConfig: nodeOnly }),
  {
    name: 'vendorkit/rijndael, mcryptEncrypt alone (tree-shaken)',
    path: 'packages/vendorkit/dist/rijndael.js',
    import: '{ mcryptEncrypt }',
    gzip: true,
    limit: '11 kB',
  },
  {
    name: 'vendorkit/printlounge-sso, createAutologinUrl alone (tree-shaken)',
    path: 'packages/vendorkit/dist/printlounge-sso.js',
    import: '{ createAutologinUrl }',
    gzip: true,
    limit: '22 kB',
  },
  {
    name: 'vendorkit/printlounge-sso, createSsoUrl alone (tree-shaken)',
    path: 'packages/vendorkit/dist/printlounge-sso.js',
    import: '{ createSsoUrl }',
    gzip: true,
    limit: '29 kB',
  },
];
