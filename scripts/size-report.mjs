#!/usr/bin/env node
// Prints the measured size of every budget in .size-limit.js (run after `pnpm run build`), through
// size-limit's own `--json`, so the numbers are exactly what `pnpm run size` checks.
//
//   node scripts/size-report.mjs                     table of sizes and limits
//   node scripts/size-report.mjs --json              the same as JSON (to save as a baseline)
//   node scripts/size-report.mjs --compare FILE      before (FILE, e.g. api/SIZES-before.json) → now,
//                                                     with the change in percent
//   --cwd DIR                                        measure another checkout (its own build and
//                                                     node_modules), e.g. an older commit
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name) => {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
};
const cwd = resolve(option('--cwd') ?? root);
const compareWith = option('--compare');

// size-limit exits 1 when a budget is exceeded; the sizes are still on stdout.
const run = spawnSync(join(cwd, 'node_modules/.bin/size-limit'), ['--json'], { cwd, encoding: 'utf8' });
let results;
try {
  results = JSON.parse(run.stdout);
} catch {}
if (!Array.isArray(results)) {
  process.stderr.write(results?.error ? `${results.error}\n` : run.stderr || run.stdout);
  console.error('size-report: size-limit measured nothing (is everything built? run `pnpm run build`)');
  process.exit(1);
}
const sizes = Object.fromEntries(results.map((r) => [r.name, { bytes: r.size, limitBytes: r.sizeLimit }]));
const kB = (bytes) => (bytes === undefined ? '—' : `${(bytes / 1000).toFixed(2)} kB`);

if (args.includes('--json')) {
  console.log(JSON.stringify(sizes, null, 2));
} else if (compareWith) {
  const before = JSON.parse(readFileSync(resolve(compareWith), 'utf8'));
  const beforeSizes = before.sizes ?? before;
  console.log('| Budget | Before | Now | Change | Limit |\n| --- | ---: | ---: | ---: | ---: |');
  for (const name of new Set([...Object.keys(beforeSizes), ...Object.keys(sizes)])) {
    const was = beforeSizes[name]?.bytes;
    const now = sizes[name]?.bytes;
    const percent = was && now ? (((now - was) / was) * 100).toFixed(1) : undefined;
    const change = percent === undefined ? '—' : `${Number(percent) > 0 ? '+' : ''}${Number(percent).toFixed(1)} %`;
    console.log(`| ${name} | ${kB(was)} | ${kB(now)} | ${change} | ${kB(sizes[name]?.limitBytes)} |`);
  }
} else {
  for (const [name, { bytes, limitBytes }] of Object.entries(sizes)) {
    const state = bytes > limitBytes ? 'OVER' : 'ok  ';
    console.log(`${state} ${kB(bytes).padStart(9)} of ${kB(limitBytes).padStart(9)}  ${name}`);
  }
}
