#!/usr/bin/env node
// The artifact stage of `npm test`: tests what users install, not the sources. It packs every
// publishable package (`pnpm pack`, as `pnpm publish` would), installs the tarballs with plain
// npm into fresh apps outside the workspace, and there:
//
// - checks each tarball (LICENSE, README, every `exports` and `bin` target, no workspace: ranges,
//   ranges not exact pins, msw only as an optional peer `^2.7.0 || ^3.0.0`) and that the bin is
//   committed executable, so a fresh clone's `pnpm install` can link it before any build;
// - full app (Node 20, msw 2): no `Failed to create bin`, every entry point and subpath imports,
//   `vendorkit --version` and `vendorkit sandbox` work, every TypeScript block of the READMEs and
//   docs/ compiles under strict tsc (module nodenext, and moduleResolution bundler) and runs
//   against the packages' own mocks or the sandbox (lib/snippets.mjs, app/run-snippet.mjs), and
//   an esbuild --minify bundle proves every error guard (app/guards.ts);
// - lean app (only `vendorkit`): `npm ls msw` finds nothing, the library entry points work,
//   `vendorkit sandbox` says how to install msw;
// - msw 3 app (Node 24): installs without --legacy-peer-deps, every mock intercepts (app/msw3.ts);
// - Deno and Bun (from npm): the pure packages and verifyWebhook give PHP's known answers and
//   exactly Node's output (app/runtimes.mjs).
//
// Needs the packages built (`pnpm run build`; `npm test` builds first). Uses the npm cache
// (--prefer-offline). Options: --keep (keep the temporary folder). VENDORKIT_NODE24 may name a
// Node 24 binary (.ci/run passes the one it fetched); otherwise node@24 is fetched from npm into
// node_modules/.cache/vendorkit-artifacts, where Deno and Bun are kept too.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec, execOk, pool, tail } from './lib/proc.mjs';
import { documentationFiles, extractSnippets } from './lib/snippets.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
const keep = process.argv.includes('--keep');
const started = performance.now();
const work = mkdtempSync(join(tmpdir(), 'vendorkit-artifacts-'));

const MSW_PEER_RANGE = '^2.7.0 || ^3.0.0';
const DENO = 'deno@2.9.6';
const BUN = 'bun@1.4.5';
const NODE24 = 'node@24.21.0';
const rootPkg = readJson(join(root, 'package.json'));
const MSW2 = `msw@${rootPkg.devDependencies.msw}`;
const TYPES_NODE20 = `@types/node@${rootPkg.devDependencies['@types/node']}`;
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const pnpm = join(root, 'node_modules/.bin/pnpm');
const esbuild = createRequire(createRequire(join(root, 'package.json')).resolve('tsup/package.json'))('esbuild');

// A clean environment: nothing from the npm/pnpm script that started us, no vendor credentials
// from the developer's shell.
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      !/^(npm_|pnpm_|PNPM_|NODE_OPTIONS$|INIT_CWD$)/.test(key) &&
      !/^(PRINTLOUNGE|MCPARKEN|OFFICERND|OKDESK|WIALON|REDIS)_/.test(key),
  ),
);
const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline'];
const cpu = pool(3);

// ---------------------------------------------------------------------------------------------
// Reporting

const results = [];
/** Runs one named check; a thrown error fails it. Resolves to the check's value, or rejects. */
function check(name, fn) {
  const t0 = performance.now();
  const run = (async () => fn())();
  run.then(
    (note) => {
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      results.push({ name, ok: true });
      const text = typeof note === 'string' ? note : note?.note;
      console.log(`ok   ${name} (${seconds} s)${text ? `: ${text}` : ''}`);
    },
    (error) => {
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      results.push({ name, ok: false });
      console.log(`FAIL ${name} (${seconds} s)\n${indent(error instanceof Error ? error.message : String(error))}`);
    },
  );
  return run;
}
const indent = (text) =>
  text
    .split('\n')
    .map((line) => `     ${line}`)
    .join('\n');
/** Waits for what a check needs; if that failed, this check fails saying so. */
async function needs(promise, what) {
  try {
    return await promise;
  } catch {
    throw new Error(`not run: ${what} failed (see above)`);
  }
}
function assert(ok, message) {
  if (!ok) throw new Error(message);
}
function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Pack and inspect the tarballs

const packageDirs = readdirSync(join(root, 'packages'))
  .sort()
  .filter((dir) => !readJson(join(root, 'packages', dir, 'package.json')).private);
const tarballDir = join(work, 'tarballs');
mkdirSync(tarballDir);

const packed = check(`pack ${packageDirs.length} packages`, async () => {
  await Promise.all(
    packageDirs.map((dir) =>
      execOk(pnpm, ['pack', '--pack-destination', tarballDir], { cwd: join(root, 'packages', dir), env: baseEnv }),
    ),
  );
  const tarballs = {};
  for (const dir of packageDirs) {
    const { name, version } = readJson(join(root, 'packages', dir, 'package.json'));
    const file = join(tarballDir, `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`);
    assert(existsSync(file), `pnpm pack made no ${file}`);
    const unpacked = join(work, 'unpacked', dir);
    mkdirSync(unpacked, { recursive: true });
    await execOk('tar', ['-xzf', file, '-C', unpacked]);
    const listing = (await execOk('tar', ['-tvzf', file])).stdout;
    tarballs[name] = {
      dir,
      file,
      unpacked: join(unpacked, 'package'),
      listing,
      pkg: readJson(join(unpacked, 'package/package.json')),
    };
  }
  return tarballs;
});

for (const dir of packageDirs) {
  const { name } = readJson(join(root, 'packages', dir, 'package.json'));
  check(`tarball ${name}: LICENSE, README, exports, bin, dependency ranges, msw peer`, async () => {
    const t = (await needs(packed, 'packing'))[name];
    const { pkg, unpacked } = t;
    const problems = [];
    const expect = (ok, problem) => ok || problems.push(problem);
    const has = (path) => existsSync(join(unpacked, path));
    expect(
      has('LICENSE') && /^MIT License/.test(readFileSync(join(unpacked, 'LICENSE'), 'utf8')),
      'no MIT LICENSE file',
    );
    expect(pkg.license === 'MIT', `license field is ${pkg.license}`);
    expect(has('README.md'), 'no README.md');
    expect(!JSON.stringify(pkg).includes('workspace:'), 'a workspace: range was published');
    const targets = [];
    const walk = (node) => (typeof node === 'string' ? targets.push(node) : Object.values(node ?? {}).forEach(walk));
    walk(pkg.exports);
    for (const target of targets) expect(has(target), `exports target ${target} is not in the tarball`);
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
      expect(!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(range), `dependency ${dep} is pinned to ${range}; use a range`);
    }
    expect(!pkg.dependencies?.msw, 'msw is a dependency: users who never use the mocks would install it');
    const usesMsw = distFiles(join(unpacked, 'dist')).some((file) =>
      /from\s*["']msw(\/[\w/]+)?["']/.test(readFileSync(file, 'utf8')),
    );
    if (usesMsw) {
      const range = pkg.peerDependencies?.msw;
      expect(range === MSW_PEER_RANGE, `msw peer range is ${range}, not ${MSW_PEER_RANGE}`);
      expect(pkg.peerDependenciesMeta?.msw?.optional === true, 'msw is not an optional peer');
    }
    for (const target of Object.values(typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {}))) {
      const path = target.replace(/^\.\//, '');
      const line = t.listing.split('\n').find((l) => l.endsWith(` package/${path}`)) ?? '';
      expect(line !== '', `bin target ${path} is not in the tarball`);
      expect(/^-rwx/.test(line), `bin target ${path} is not executable in the tarball`);
      expect(
        has(path) && readFileSync(join(unpacked, path), 'utf8').startsWith('#!/usr/bin/env node\n'),
        `bin ${path} has no node shebang`,
      );
      // pnpm links workspace bins at install time, before any build: a bin under dist/ makes a
      // fresh clone's `pnpm install` warn "Failed to create bin" once per dependent.
      const staged = (await execOk('git', ['ls-files', '-s', `packages/${t.dir}/${path}`], { cwd: root })).stdout;
      expect(
        staged.startsWith('100755 '),
        `bin ${path} is not committed as an executable file (git: "${staged.trim()}")`,
      );
    }
    assert(problems.length === 0, problems.join('\n'));
  });
}

function distFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

// ---------------------------------------------------------------------------------------------
// Fresh apps, each installed once with plain npm from the tarballs (no workspace links)

function newApp(name) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: `artifact-${name}`, private: true, type: 'module' }, null, 2)}\n`,
  );
  return dir;
}

async function npmInstall(dir, specs, env = baseEnv) {
  const result = await exec('npm', [...NPM_INSTALL, ...specs], { cwd: dir, env, timeoutMs: 300_000 });
  const output = result.stdout + result.stderr;
  assert(result.code === 0, `npm install failed:\n${tail(output)}`);
  assert(!/Failed to create bin/i.test(output), `npm warned about the bin:\n${tail(output)}`);
  assert(
    !/ERESOLVE|Conflicting peer dependency|invalid: /i.test(output),
    `npm reported a peer conflict:\n${tail(output)}`,
  );
  return output;
}

// Node 24, Deno and Bun are tools, not what is tested: they are kept between runs (deleting
// ~400 MB of binaries took longer than the checks that use them).
const toolCache = join(root, 'node_modules/.cache/vendorkit-artifacts');

const node24 = check('Node 24 for the msw 3 app', async () => {
  let bin = process.env.VENDORKIT_NODE24;
  if (!bin) {
    const prefix = join(toolCache, NODE24);
    bin = join(prefix, 'node_modules/.bin/node');
    if (!existsSync(bin))
      await execOk('npm', [...NPM_INSTALL, '--no-save', '--prefix', prefix, NODE24], { env: baseEnv });
  }
  const version = (await execOk(bin, ['--version'])).stdout.trim();
  assert(version.startsWith('v24.'), `${bin} is ${version}`);
  return bin;
});

const fullDir = newApp('full');
const full = check('full app: npm install every tarball + msw 2, no bin warning', async () => {
  const tarballs = await needs(packed, 'packing');
  await npmInstall(fullDir, [...Object.values(tarballs).map((t) => t.file), MSW2, TYPES_NODE20]);
  return tarballs;
});

const leanDir = newApp('lean');
const lean = check('lean app: npm install vendorkit alone (its own tarballs only)', async () => {
  const tarballs = await needs(packed, 'packing');
  const wanted = new Set(['vendorkit']);
  for (const name of wanted) {
    for (const dep of Object.keys(tarballs[name].pkg.dependencies ?? {})) if (tarballs[dep]) wanted.add(dep);
  }
  await npmInstall(
    leanDir,
    [...wanted].map((name) => tarballs[name].file),
  );
  const modules = readdirSync(join(leanDir, 'node_modules'), { recursive: true }).filter((p) =>
    p.endsWith('package.json'),
  ).length;
  const size = (await execOk('du', ['-sm', join(leanDir, 'node_modules')])).stdout.split('\t')[0];
  return `${wanted.size} vendorkit packages, ${modules} package.json files, ${size} MB of node_modules`;
});

const msw3Dir = newApp('msw3');
const msw3 = check('msw 3 app: npm install every tarball + msw@3 under Node 24 (no --legacy-peer-deps)', async () => {
  const [tarballs, bin] = [await needs(packed, 'packing'), await needs(node24, 'fetching Node 24')];
  const env = { ...baseEnv, PATH: `${dirname(bin)}:${baseEnv.PATH}` };
  await npmInstall(msw3Dir, [...Object.values(tarballs).map((t) => t.file), 'msw@^3', '@types/node@^24'], env);
  const ls = await exec('npm', ['ls', 'msw', '--all', '--parseable', '--long'], { cwd: msw3Dir, env });
  const versions = [...new Set(ls.stdout.match(/msw@[\d.]+/g) ?? [])];
  assert(versions.length === 1 && versions[0].startsWith('msw@3.'), `msw versions installed: ${versions.join(', ')}`);
  return versions[0];
});

const runtimesDir = join(toolCache, `${DENO}-${BUN}`);
let installing;
const installRuntimesOnce = () => {
  installing ??= execOk('npm', [...NPM_INSTALL, '--no-save', '--prefix', runtimesDir, DENO, BUN], { env: baseEnv });
  return installing;
};
const runtimes = check(`Deno and Bun from npm (${DENO}, ${BUN})`, async () => ({
  deno: await runtimeBinary('deno'),
  bun: await runtimeBinary('bun'),
}));

/**
 * The runtime's binary. npm may leave install scripts unrun (npm 11 asks for them to be
 * allowed): deno's bin is a JS launcher that finds its platform package by itself, bun's is a
 * placeholder until its postinstall ran, so the platform package's binary is tried next, and
 * `npm rebuild` last.
 */
async function runtimeBinary(name) {
  const modules = join(runtimesDir, 'node_modules');
  const candidates = () => [
    join(modules, '.bin', name),
    ...['@deno', '@oven'].flatMap((scope) =>
      existsSync(join(modules, scope))
        ? readdirSync(join(modules, scope)).flatMap((p) => [
            join(modules, scope, p, name),
            join(modules, scope, p, 'bin', name),
          ])
        : [],
    ),
  ];
  const works = async (bin) => existsSync(bin) && (await exec(bin, ['--version'], { env: baseEnv })).code === 0;
  const find = async () => {
    for (const bin of candidates()) if (await works(bin)) return bin;
  };
  let found = await find();
  if (!found) {
    await installRuntimesOnce();
    found = await find();
  }
  if (!found) {
    await execOk('npm', ['rebuild', '--prefix', runtimesDir, name], { env: baseEnv });
    found = await find();
  }
  if (found) return found;
  throw new Error(`no working ${name} binary among ${candidates().join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
// Full app: imports, CLI, snippets, minified bundle, runtimes

function appFiles(dir, names) {
  for (const name of names) cpSync(join(here, 'app', name), join(dir, name));
}

check('full app: every entry point and subpath of every package imports', async () => {
  const tarballs = await needs(full, 'the full app install');
  const specifiers = Object.values(tarballs).flatMap(({ pkg }) =>
    Object.keys(pkg.exports ?? {})
      .filter((subpath) => !subpath.endsWith('.json'))
      .map((subpath) => (subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`)),
  );
  const script = `const failed = [];
for (const s of ${JSON.stringify(specifiers)}) {
  try { if (Object.keys(await import(s)).length === 0) failed.push(s + ': exports nothing'); }
  catch (e) { failed.push(s + ': ' + e.message); } }
if (failed.length) { console.error(failed.join('\\n')); process.exit(1); }`;
  writeFileSync(join(fullDir, 'imports.mjs'), script);
  await execOk(process.execPath, ['imports.mjs'], { cwd: fullDir, env: baseEnv });
  return `${specifiers.length} specifiers`;
});

check('full app: `npx vendorkit --version` and `vendorkit sandbox` serve', async () => {
  const tarballs = await needs(full, 'the full app install');
  const version = (
    await execOk('npx', ['--no-install', 'vendorkit', '--version'], { cwd: fullDir, env: baseEnv })
  ).stdout.trim();
  assert(version === tarballs.vendorkit.pkg.version, `--version printed "${version}"`);
  const origin = await withCli(fullDir, ['sandbox', '--port', '0'], async (stdout) => {
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(stdout)?.[0];
    if (!url) return undefined;
    const answer = await fetch(`${url}/`);
    assert(answer.status === 200, `GET ${url}/ answered ${answer.status}`);
    return url;
  });
  return `version ${version}, sandbox on ${origin}`;
});

/** Runs the installed `vendorkit` CLI until `ready(stdout)` returns a value, then stops it with SIGINT. */
function withCli(dir, args, ready) {
  return new Promise((resolve, reject) => {
    const child = spawn(join(dir, 'node_modules/.bin/vendorkit'), args, { cwd: dir, env: baseEnv });
    let stdout = '';
    let stderr = '';
    let value;
    let busy = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdout.on('data', async (chunk) => {
      stdout += chunk;
      if (busy || value !== undefined) return;
      busy = true;
      try {
        value = await ready(stdout);
        if (value !== undefined) child.kill('SIGINT');
      } catch (error) {
        child.kill('SIGKILL');
        reject(error);
      }
      busy = false;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (value !== undefined && code === 0) resolve(value);
      else reject(new Error(`vendorkit ${args.join(' ')} exited ${code}\n${tail(stdout)}\n${tail(stderr)}`));
    });
  });
}

const snippets = documentationFiles(root).flatMap((file) => extractSnippets(root, file));
const runnable = snippets.filter((s) => !s.partial);
const snippetsReady = check(
  `docs: ${snippets.length} TypeScript blocks found, ${snippets.length - runnable.length} marked partial`,
  async () => {
    await needs(full, 'the full app install');
    mkdirSync(join(fullDir, 'snippets'));
    for (const s of runnable) {
      writeFileSync(join(fullDir, 'snippets', `${s.id}.ts`), s.code);
    }
    appFiles(fullDir, ['run-snippet.mjs', 'guards.ts', 'runtimes.mjs', 'doc-errors.mjs']);
    return snippets
      .filter((s) => s.partial)
      .map((s) => `\n${s.source}:${s.line} (${s.reason})`)
      .join('');
  },
);

// The nodenext run also checks every .d.ts the packages ship and pull in (skipLibCheck off); the
// bundler run keeps tsc --init's skipLibCheck, as most apps do.
for (const [label, compilerOptions] of [
  ['module nodenext, skipLibCheck off', { module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: false }],
  ['moduleResolution bundler', { module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true }],
]) {
  check(`docs + guard app: strict tsc, ${label}`, async () => {
    await needs(snippetsReady, 'writing the snippets');
    await typecheck(fullDir, `tsconfig.${compilerOptions.moduleResolution}.json`, compilerOptions, [
      'snippets/*.ts',
      'guards.ts',
    ]);
    return `${runnable.length} snippets and guards.ts`;
  });
}

/** Strict tsc over `include` in `dir`; failures name the documentation line they come from. */
async function typecheck(dir, name, compilerOptions, include) {
  const config = {
    compilerOptions: {
      strict: true,
      target: 'es2022',
      noEmit: true,
      types: ['node'],
      moduleDetection: 'force',
      ...compilerOptions,
    },
    include,
  };
  writeFileSync(join(dir, name), JSON.stringify(config, null, 2));
  const result = await cpu(() => exec(process.execPath, [tsc, '-p', name], { cwd: dir, env: baseEnv }), {
    first: true,
  });
  if (result.code === 0) return;
  const byId = new Map(snippets.map((s) => [s.id, s]));
  const located = result.stdout.replace(/^snippets\/([\w.-]+)\.ts\((\d+),(\d+)\)/gm, (whole, id, line, column) => {
    const s = byId.get(id);
    return s ? `${s.source}:${s.line + Number(line)}:${column}` : whole;
  });
  throw new Error(tail(located, 60));
}

check('docs: snippets import only what users install by name', async () => {
  const publishable = new Set(packageDirs.map((dir) => readJson(join(root, 'packages', dir, 'package.json')).name));
  const wrong = [];
  for (const s of snippets) {
    for (const [, specifier] of s.code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
      // @vendorkit/core is internal: users get it only as a dependency, which pnpm does not let them import.
      const internal = name === '@vendorkit/core' && s.source !== 'packages/core/README.md';
      const allowed = specifier.startsWith('node:') || name === 'msw' || (publishable.has(name) && !internal);
      if (!allowed) wrong.push(`${s.source}:${s.line} imports ${specifier}`);
    }
  }
  assert(wrong.length === 0, wrong.join('\n'));
});

check('docs: the error classes each guide names are what its packages throw', async () => {
  await needs(snippetsReady, 'writing the app files');
  const guides = {};
  for (const name of ['printlounge', 'mcparken', 'officernd', 'wialon-okdesk']) {
    const text = readFileSync(join(root, 'docs', `${name}.md`), 'utf8');
    const packageLine = text.split('\n').find((line) => /^Packages?:/.test(line)) ?? '';
    const section = text.slice(text.indexOf('## Troubleshooting by error code'));
    const intro = section.slice(0, section.indexOf('\n|'));
    guides[`docs/${name}.md`] = {
      packages: [...packageLine.matchAll(/`(@vendorkit\/[\w-]+)`/g)].map((m) => m[1]),
      named: [...new Set([...intro.matchAll(/`([A-Z]\w*Error)`/g)].map((m) => m[1]))].filter(
        (n) => n !== 'VendorkitError',
      ),
    };
  }
  const result = await exec(process.execPath, ['doc-errors.mjs', JSON.stringify(guides)], {
    cwd: fullDir,
    env: baseEnv,
  });
  assert(result.code === 0, result.stderr || result.stdout);
  return result.stdout.trim();
});

for (const s of runnable) {
  const ownMocks = /from ['"](msw\/node|vendorkit\/sandbox|[^'"]+\/mocks)['"]/.test(s.code);
  check(
    `docs: ${s.source}:${s.line} runs against ${ownMocks ? 'its own mocks/sandbox' : "the packages' mocks"}`,
    async () => {
      await needs(snippetsReady, 'writing the snippets');
      const js = await esbuild.transform(s.code, { loader: 'ts', format: 'esm', target: 'node20' });
      writeFileSync(join(fullDir, 'snippets', `${s.id}.mjs`), js.code);
      const result = await cpu(() =>
        exec(process.execPath, ['run-snippet.mjs', `snippets/${s.id}.mjs`, ownMocks ? 'own-mocks' : 'vendor-mocks'], {
          cwd: fullDir,
          env: baseEnv,
          timeoutMs: 60_000,
        }),
      );
      assert(
        result.code === 0,
        `exited ${result.code ?? result.signal}\n${tail(result.stdout, 15)}\n${tail(result.stderr, 25)}`,
      );
    },
  );
}

check('guards: esbuild --minify bundle of every package, every guard right', async () => {
  await needs(snippetsReady, 'writing the app files');
  const outfile = join(fullDir, 'guards.bundle.mjs');
  await esbuild.build({
    entryPoints: [join(fullDir, 'guards.ts')],
    absWorkingDir: fullDir,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['msw'],
    // ioredis is CommonJS and requires Node built-ins.
    banner: { js: "import{createRequire as __vkcr}from'node:module';const require=__vkcr(import.meta.url);" },
    outfile,
    logLevel: 'silent',
  });
  const bundle = readFileSync(outfile, 'utf8');
  assert(!/class McParkenError\b|_McParkenError/.test(bundle), 'the bundle was not minified');
  const result = await cpu(() => execOk(process.execPath, [outfile], { cwd: fullDir, env: baseEnv }));
  return result.stdout.trim();
});

// ---------------------------------------------------------------------------------------------
// Other runtimes: Deno and Bun must print exactly what Node prints

const nodeAnswers = check(
  "runtimes: Node gives PHP's known answers (rijndael, printlounge-sso, verifyWebhook)",
  async () => {
    await needs(snippetsReady, 'writing the app files');
    const vectors = {
      rijndael: readJson(join(root, 'packages/rijndael/test/fixtures/mcrypt-fixtures.json')).cases,
      printlounge: readJson(join(root, 'packages/printlounge-sso/test/fixtures/php-fixtures.json')).cases,
    };
    writeFileSync(join(fullDir, 'vectors.json'), JSON.stringify(vectors));
    const result = await execOk(process.execPath, ['runtimes.mjs'], { cwd: fullDir, env: baseEnv });
    const { checked } = JSON.parse(result.stdout);
    return {
      output: result.stdout.trim(),
      note: `${checked.rijndael} mcrypt and ${checked.printlounge} autologin vectors`,
    };
  },
);

for (const runtime of ['deno', 'bun']) {
  check(`runtimes: ${runtime} gives the same answers as Node`, async () => {
    const { output } = await needs(nodeAnswers, 'the Node run');
    const bin = (await needs(runtimes, 'installing Deno and Bun'))[runtime];
    const args =
      runtime === 'deno'
        ? ['run', '--allow-read', '--allow-env', '--no-prompt', '--no-lock', 'runtimes.mjs']
        : ['--no-install', 'runtimes.mjs'];
    const env = { ...baseEnv, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(work, 'deno-dir') };
    const result = await cpu(() => execOk(bin, args, { cwd: fullDir, env }));
    assert(result.stdout.trim() === output, `${runtime} printed\n${result.stdout.trim()}\nNode printed\n${output}`);
    return (await execOk(bin, ['--version'], { env })).stdout.split('\n')[0];
  });
}

// ---------------------------------------------------------------------------------------------
// Lean app: no msw for a user who only makes links

check('lean app: `npm ls msw` finds nothing', async () => {
  await needs(lean, 'the lean app install');
  const ls = await exec('npm', ['ls', 'msw', '--all'], { cwd: leanDir, env: baseEnv });
  assert(!/msw@/.test(ls.stdout), `msw is installed:\n${ls.stdout}`);
  assert(!existsSync(join(leanDir, 'node_modules/msw')), 'node_modules/msw exists');
});

check('lean app: vendorkit and vendorkit/printlounge-sso work', async () => {
  await needs(lean, 'the lean app install');
  appFiles(leanDir, ['lean.mjs']);
  return (await execOk(process.execPath, ['lean.mjs'], { cwd: leanDir, env: baseEnv })).stdout.trim();
});

check('lean app: `vendorkit --version` works, `vendorkit sandbox` says to install msw', async () => {
  await needs(lean, 'the lean app install');
  const bin = join(leanDir, 'node_modules/.bin/vendorkit');
  await execOk(bin, ['--version'], { env: baseEnv });
  const sandbox = await exec(bin, ['sandbox', '--port', '0'], { env: baseEnv, timeoutMs: 15_000 });
  assert(sandbox.code === 1, `exit code ${sandbox.code ?? sandbox.signal}, expected 1\n${sandbox.stderr}`);
  assert(
    /npm install vendorkit msw/.test(sandbox.stderr),
    `stderr does not say how to install msw:\n${sandbox.stderr}`,
  );
  assert(!/^\s+at /m.test(sandbox.stderr), `a stack trace was printed:\n${sandbox.stderr}`);
  return sandbox.stderr.trim().split('\n')[0];
});

// ---------------------------------------------------------------------------------------------
// msw 3 app (Node 24)

check('msw 3 app: strict tsc against msw 3 types, then every mock intercepts under Node 24', async () => {
  await needs(msw3, 'the msw 3 app install');
  const bin = await needs(node24, 'fetching Node 24');
  appFiles(msw3Dir, ['msw3.ts']);
  await typecheck(msw3Dir, 'tsconfig.json', { module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: false }, [
    'msw3.ts',
  ]);
  const js = await esbuild.transform(readFileSync(join(msw3Dir, 'msw3.ts'), 'utf8'), { loader: 'ts', format: 'esm' });
  writeFileSync(join(msw3Dir, 'msw3.mjs'), js.code);
  return (await cpu(() => execOk(bin, ['msw3.mjs'], { cwd: msw3Dir, env: baseEnv }))).stdout.trim();
});

// ---------------------------------------------------------------------------------------------

process.on('beforeExit', () => {
  if (results.length === 0 || process.exitCode !== undefined) return;
  const failed = results.filter((r) => !r.ok).length;
  if (failed === 0 && !keep) rmSync(work, { recursive: true, force: true });
  else console.log(`(kept ${work})`);
  console.log(`artifact stage took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log(`artifacts: ${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
});
