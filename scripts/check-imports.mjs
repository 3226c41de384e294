#!/usr/bin/env node
// Imports every export of every publishable package by its published name, through Node's
// own ESM resolution of the built `exports` maps — what a user gets after `npm install`, not
// what the test aliases see. Packages the umbrella depends on are imported from inside the
// umbrella (another workspace package); the rest by self-reference from their own folder.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const readPkg = (dir) => JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
const umbrella = readPkg('vendorkit');
let failures = 0;

for (const dir of readdirSync(join(root, 'packages'))) {
  const pkg = readPkg(dir);
  if (pkg.private) continue;
  const specifiers = Object.keys(pkg.exports ?? {})
    .filter((subpath) => !subpath.endsWith('.json'))
    .map((subpath) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`));
  const cwd = umbrella.dependencies?.[pkg.name] ? join(root, 'packages/vendorkit') : join(root, 'packages', dir);
  const script = `for (const s of ${JSON.stringify(specifiers)}) {
    try { const m = await import(s); const n = Object.keys(m).length; if (!n) throw new Error('exports nothing'); console.log('ok   ' + s + ' (' + n + ' exports)'); }
    catch (e) { console.log('FAIL ' + s + ': ' + e.message); process.exitCode = 1; } }`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  if (run.status !== 0) failures += 1;
}
process.exit(failures ? 1 : 0);
