#!/usr/bin/env node
// Public API report: reads every package's built type entry points (each `exports` subpath's
// `types`, so what a user's editor sees after `npm install`) with the TypeScript compiler API
// and writes api/<package folder>.api.md — per entry point the number of exported names and every
// exported declaration, comments removed, sorted by name. Names the bundler gave declarations
// (`Foo$1`, hashed chunks' one-letter exports) are replaced by their public names; types that are
// reachable from the surface but not exported are printed in their own section, so a change to
// them shows too.
//
//   node scripts/api-report.mjs check    fails with a diff when the built surface differs from api/
//   node scripts/api-report.mjs update   rewrites api/
//
// Why not @microsoft/api-extractor: measured on this repo it needs one config and one run per
// entry point (20 here, 12–15 s each, about 4–5 min per check), bundles its own TypeScript (6.0)
// and wants release tags on every declaration. This script reads all entry points in one
// program with the repository's TypeScript in a few seconds.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const apiDir = join(root, 'api');
const packagesDir = join(root, 'packages');
const mode = process.argv[2];
if (mode !== 'check' && mode !== 'update') {
  console.error('usage: node scripts/api-report.mjs check|update');
  process.exit(2);
}

/** The `types` file of one `exports` target (plain or nested under import/default). */
function typesOf(target) {
  if (target === null || typeof target !== 'object') return undefined;
  return target.types ?? typesOf(target.import) ?? typesOf(target.default);
}

const packages = readdirSync(packagesDir)
  .filter((dir) => existsSync(join(packagesDir, dir, 'package.json')))
  .sort()
  .map((dir) => {
    const pkg = JSON.parse(readFileSync(join(packagesDir, dir, 'package.json'), 'utf8'));
    const entries = Object.entries(pkg.exports ?? {})
      .filter(([subpath]) => !subpath.endsWith('.json'))
      .map(([subpath, target]) => {
        const types = typesOf(target);
        if (!types) throw new Error(`${pkg.name}: exports["${subpath}"] has no "types" condition`);
        return {
          specifier: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
          file: join(packagesDir, dir, types),
        };
      })
      // the main entry first: a name exported by several entry points is named after the first
      .sort((a, b) => a.specifier.length - b.specifier.length || compare(a.specifier, b.specifier));
    return { dir, name: pkg.name, entries };
  });

const missing = packages.flatMap((p) => p.entries.filter((e) => !existsSync(e.file)).map((e) => e.file));
if (missing.length > 0) {
  console.error(`api-report: built type entry points missing (run \`pnpm run build\` first):`);
  for (const file of missing) console.error(`  ${relative(root, file)}`);
  process.exit(1);
}

const program = ts.createProgram(
  packages.flatMap((p) => p.entries.map((e) => e.file)),
  {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.esnext.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts', 'lib.dom.asynciterable.d.ts'],
    typeRoots: [join(root, 'node_modules/@types')],
    types: ['node'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  },
);
const checker = program.getTypeChecker();
const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

function compare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function resolveAlias(symbol) {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** Where a declaration lives: a workspace package folder, an npm package, or the global libs. */
function ownerOf(symbol) {
  const node = symbol.declarations?.[0];
  if (!node) return { kind: 'unknown' };
  const sourceFile = node.getSourceFile();
  if (program.isSourceFileDefaultLibrary(sourceFile)) return { kind: 'global' };
  const path = sourceFile.fileName.split(sep).join('/');
  const nodeModules = path.lastIndexOf('/node_modules/');
  if (nodeModules !== -1) {
    const parts = path.slice(nodeModules + '/node_modules/'.length).split('/');
    return { kind: 'npm', name: parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0] };
  }
  const inPackages = relative(packagesDir, sourceFile.fileName).split(sep);
  if (inPackages[0] !== '..' && inPackages.length > 1) return { kind: 'workspace', dir: inPackages[0] };
  return { kind: 'unknown' };
}

const entryByFile = new Map();
for (const p of packages) for (const e of p.entries) entryByFile.set(e.file, { ...e, pkg: p });

// Every exported declaration's public name: { specifier, name } of the first entry point of its own
// package that exports it (main entry first).
const publicName = new Map();
const exportsOfEntry = new Map();
for (const p of packages) {
  for (const e of p.entries) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(e.file));
    const exported = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [];
    exportsOfEntry.set(e.specifier, exported);
    for (const symbol of exported) {
      const target = resolveAlias(symbol);
      const owner = ownerOf(target);
      if (owner.kind === 'workspace' && owner.dir === p.dir && !publicName.has(target)) {
        publicName.set(target, { specifier: e.specifier, name: symbol.name });
      }
    }
  }
}

function kindOf(target) {
  const f = ts.SymbolFlags;
  const kinds = [];
  if (target.flags & f.Class) kinds.push('class');
  if (target.flags & f.Function) kinds.push('function');
  if (target.flags & f.Variable) kinds.push('const');
  if (target.flags & f.Enum) kinds.push('enum');
  if (target.flags & f.Interface) kinds.push('interface');
  if (target.flags & f.TypeAlias) kinds.push('type');
  if (target.flags & (f.ValueModule | f.NamespaceModule)) kinds.push('namespace');
  return kinds.join(' + ') || 'unknown';
}

/** The text of one entry point's surface, with the facts for the header. */
function renderEntry(pkg, entry) {
  const exported = [...exportsOfEntry.get(entry.specifier)].sort((a, b) => compare(a.name, b.name));
  const localName = new Map(); // target symbol -> name in this report
  for (const symbol of exported) localName.set(resolveAlias(symbol), symbol.name);
  const usedNames = new Set(exported.map((s) => s.name));
  const fromWorkspace = new Map(); // specifier -> Set of names referenced (not re-exported)
  const fromNpm = new Map(); // npm package -> Set of names referenced or re-exported
  const unresolved = new Set();
  const notExported = []; // [name, target] reachable but not exported
  const note = (map, key, name) => map.set(key, (map.get(key) ?? new Set()).add(name));

  /** The name a reference to `target` gets in this report, or undefined to keep the text as written. */
  function nameFor(target) {
    if (localName.has(target)) return localName.get(target);
    const owner = ownerOf(target);
    if (owner.kind === 'global' || owner.kind === 'unknown') return undefined;
    if (owner.kind === 'npm') {
      note(fromNpm, owner.name, target.name);
      return undefined;
    }
    const known = publicName.get(target);
    if (known) {
      note(fromWorkspace, known.specifier, known.name);
      return known.name;
    }
    if (owner.dir !== pkg.dir) {
      note(fromWorkspace, `${entryForDir(owner.dir)} (not exported there)`, target.name);
      return target.name;
    }
    let name = target.name;
    for (let i = 2; usedNames.has(name); i += 1) name = `${target.name}_${i}`;
    usedNames.add(name);
    localName.set(target, name);
    notExported.push([name, target]);
    return name;
  }

  function renamed(reference, nameNode) {
    const symbol = checker.getSymbolAtLocation(nameNode);
    if (!symbol) {
      unresolved.add(reference.getText());
      return undefined;
    }
    if (symbol.flags & ts.SymbolFlags.TypeParameter) return undefined;
    const target = resolveAlias(symbol);
    if (target.flags & ts.SymbolFlags.TypeParameter) return undefined;
    const name = nameFor(target);
    return name === undefined || name === reference.getText() ? undefined : ts.factory.createIdentifier(name);
  }

  const rightmost = (name) =>
    ts.isQualifiedName(name) ? name.right : ts.isPropertyAccessExpression(name) ? name.name : name;

  function printDeclaration(declaration, name) {
    const result = ts.transform(declaration, [
      (context) => (top) => {
        const visit = (node) => {
          if (node === declaration.name) return ts.factory.createIdentifier(name);
          if (ts.isTypeReferenceNode(node)) {
            const replacement = renamed(node.typeName, rightmost(node.typeName));
            const typeArguments = ts.visitNodes(node.typeArguments, visit);
            return ts.factory.updateTypeReferenceNode(node, replacement ?? node.typeName, typeArguments);
          }
          if (ts.isExpressionWithTypeArguments(node)) {
            const replacement = renamed(node.expression, rightmost(node.expression));
            const typeArguments = ts.visitNodes(node.typeArguments, visit);
            return ts.factory.updateExpressionWithTypeArguments(node, replacement ?? node.expression, typeArguments);
          }
          if (ts.isImportTypeNode(node) && node.qualifier) {
            // import("./chunk-hash.js").Name: a public name instead of the bundler's file name
            const replacement = renamed(node, rightmost(node.qualifier));
            const typeArguments = ts.visitNodes(node.typeArguments, visit);
            if (replacement && node.isTypeOf) return ts.factory.createTypeQueryNode(replacement, typeArguments);
            if (replacement) return ts.factory.createTypeReferenceNode(replacement, typeArguments);
            return ts.factory.updateImportTypeNode(
              node,
              node.argument,
              node.attributes,
              node.qualifier,
              typeArguments,
              node.isTypeOf,
            );
          }
          if (ts.isTypeQueryNode(node)) {
            const replacement = renamed(node.exprName, rightmost(node.exprName));
            const typeArguments = ts.visitNodes(node.typeArguments, visit);
            return ts.factory.updateTypeQueryNode(node, replacement ?? node.exprName, typeArguments);
          }
          return ts.visitEachChild(node, visit, context);
        };
        const visited = visit(top);
        if (!ts.canHaveModifiers(visited)) return visited;
        const modifiers = ts
          .getModifiers(visited)
          ?.filter((m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword);
        return ts.factory.replaceModifiers(visited, modifiers ?? []);
      },
    ]);
    const text = printer.printNode(ts.EmitHint.Unspecified, result.transformed[0], declaration.getSourceFile());
    result.dispose();
    return text;
  }

  function printSymbol(target, name) {
    const texts = [];
    for (const declaration of target.declarations ?? []) {
      if (ts.isVariableDeclaration(declaration)) {
        const keyword = declaration.parent.flags & ts.NodeFlags.Const ? 'const' : 'let';
        // a d.ts states a type, or a literal initializer for a `const` of a literal type
        const typeText = declaration.type
          ? `: ${printDeclaration(declaration.type, name)}`
          : declaration.initializer
            ? ` = ${printDeclaration(declaration.initializer, name)}`
            : `: ${checker.typeToString(checker.getTypeOfSymbol(target), declaration, ts.TypeFormatFlags.NoTruncation)}`;
        texts.push(`declare ${keyword} ${name}${typeText};`);
      } else if (
        ts.isFunctionDeclaration(declaration) ||
        ts.isClassDeclaration(declaration) ||
        ts.isInterfaceDeclaration(declaration) ||
        ts.isTypeAliasDeclaration(declaration) ||
        ts.isEnumDeclaration(declaration) ||
        ts.isModuleDeclaration(declaration)
      ) {
        texts.push(printDeclaration(declaration, name));
      } else {
        texts.push(`// ${name}: ${ts.SyntaxKind[declaration.kind]} (not printed)`);
      }
    }
    return texts.join('\n');
  }

  const reexports = new Map(); // specifier -> ["a", "b as c"]
  const namespaces = [];
  const declarations = [];
  let values = 0;
  for (const symbol of exported) {
    const target = resolveAlias(symbol);
    if (target.flags & ts.SymbolFlags.Value) values += 1;
    const moduleFile = target.valueDeclaration && ts.isSourceFile(target.valueDeclaration) && target.valueDeclaration;
    if (moduleFile) {
      const from = entryByFile.get(moduleFile.fileName)?.specifier ?? relative(root, moduleFile.fileName);
      namespaces.push(`export * as ${symbol.name} from '${from}';`);
      continue;
    }
    const owner = ownerOf(target);
    if (owner.kind === 'npm') {
      note(fromNpm, owner.name, target.name);
      const list = reexports.get(owner.name) ?? [];
      reexports.set(owner.name, [
        ...list,
        target.name === symbol.name ? symbol.name : `${target.name} as ${symbol.name}`,
      ]);
      continue;
    }
    const known = publicName.get(target);
    if (known && known.specifier !== entry.specifier && owner.dir !== pkg.dir) {
      const list = reexports.get(known.specifier) ?? [];
      reexports.set(known.specifier, [
        ...list,
        known.name === symbol.name ? symbol.name : `${known.name} as ${symbol.name}`,
      ]);
      continue;
    }
    declarations.push(`// ${kindOf(target)}\n${printSymbol(target, symbol.name)}`);
  }
  const hidden = [];
  for (let i = 0; i < notExported.length; i += 1) {
    const [name, target] = notExported[i];
    hidden.push([name, `// ${kindOf(target)}, not exported\n${printSymbol(target, name)}`]);
  }
  hidden.sort((a, b) => compare(a[0], b[0]));

  const reexportLines = [...reexports]
    .sort((a, b) => compare(a[0], b[0]))
    // one name a line past a few, so that a diff names what changed
    .map(([from, names]) =>
      names.length <= 4
        ? `export { ${names.join(', ')} } from '${from}';`
        : `export {\n${names.map((n) => `    ${n},`).join('\n')}\n} from '${from}';`,
    );
  const blocks = [[...namespaces, ...reexportLines].join('\n'), ...declarations].filter(Boolean);
  const lines = [`## \`${entry.specifier}\``, ''];
  lines.push(`${exported.length} exported names (${values} values, ${exported.length - values} types only).`);
  if (hidden.length > 0) {
    lines.push(
      '',
      `Reachable from the exports but not exported (users cannot name them): ${hidden.map(([n]) => `\`${n}\``).join(', ')}.`,
    );
  }
  const list = (map) =>
    [...map]
      .sort((a, b) => compare(a[0], b[0]))
      .map(([from, names]) => `\`${from}\` (${[...names].sort(compare).join(', ')})`)
      .join('; ');
  if (fromWorkspace.size > 0) lines.push('', `Types from other vendorkit entry points: ${list(fromWorkspace)}.`);
  if (fromNpm.size > 0) lines.push('', `Types from npm packages in this surface: ${list(fromNpm)}.`);
  if (unresolved.size > 0)
    lines.push('', `Unresolved names (broken types?): ${[...unresolved].sort(compare).join(', ')}.`);
  const code = [...blocks, ...hidden.map(([, text]) => text)].join('\n\n');
  lines.push('', '```ts', code, '```', '');
  return { text: lines.join('\n'), count: exported.length, values, unresolved };
}

function entryForDir(dir) {
  return packages.find((p) => p.dir === dir)?.name ?? dir;
}

function renderPackage(pkg) {
  const rendered = pkg.entries.map((entry) => ({ entry, ...renderEntry(pkg, entry) }));
  const total = rendered.reduce((sum, r) => sum + r.count, 0);
  const lines = [
    `# API report: \`${pkg.name}\``,
    '',
    '<!-- Generated by `pnpm run api:update` from the built dist/*.d.ts; do not edit. `pnpm run api:check` (in `pnpm check`) fails when the built surface differs. -->',
    '',
    '| Entry point | Exported names | Values | Types only |',
    '| --- | ---: | ---: | ---: |',
    ...rendered.map((r) => `| \`${r.entry.specifier}\` | ${r.count} | ${r.values} | ${r.count - r.values} |`),
  ];
  if (rendered.length > 1) lines.push(`| all entry points | ${total} | | |`);
  lines.push('', ...rendered.map((r) => r.text));
  return {
    text: `${lines.join('\n').trimEnd()}\n`,
    counts: rendered.map((r) => [r.entry.specifier, r.count]),
    unresolved: rendered.flatMap((r) => [...r.unresolved].map((u) => `${r.entry.specifier}: ${u}`)),
  };
}

/** A unified diff (3 lines of context) of two texts, line by line, from a longest common subsequence. */
function unifiedDiff(before, after, label) {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops = []; // [' ' | '-' | '+', line, lineInA, lineInB]
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push([' ', a[i++], i, ++j]);
    else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push(['-', a[i++], i, j]);
    else ops.push(['+', b[j++], i, j]);
  }
  const out = [`--- ${label} (committed)`, `+++ ${label} (built)`];
  for (let k = 0; k < ops.length; ) {
    if (ops[k][0] === ' ') {
      k += 1;
      continue;
    }
    let start = Math.max(0, k - 3);
    let end = k;
    while (end < ops.length) {
      if (ops[end][0] !== ' ') {
        end += 1;
        continue;
      }
      let run = end;
      while (run < ops.length && ops[run][0] === ' ') run += 1;
      if (run === ops.length || run - end > 6) {
        end = Math.min(run, end + 3);
        break;
      }
      end = run;
    }
    const hunk = ops.slice(start, end);
    const fromA = hunk.filter((o) => o[0] !== '+').length;
    const fromB = hunk.filter((o) => o[0] !== '-').length;
    const firstA = hunk.find((o) => o[0] !== '+')?.[2] ?? ops[start][2];
    const firstB = hunk.find((o) => o[0] !== '-')?.[3] ?? ops[start][3];
    out.push(`@@ -${firstA},${fromA} +${firstB},${fromB} @@`, ...hunk.map((o) => `${o[0]}${o[1]}`));
    k = end;
    start = end;
  }
  return out.join('\n');
}

const reports = new Map(packages.map((p) => [`${p.dir}.api.md`, renderPackage(p)]));
for (const [file, report] of reports) {
  for (const u of report.unresolved) console.error(`api-report: warning: unresolved name in ${file}: ${u}`);
}
const committedFiles = existsSync(apiDir) ? readdirSync(apiDir).filter((f) => f.endsWith('.api.md')) : [];

if (mode === 'update') {
  mkdirSync(apiDir, { recursive: true });
  for (const file of committedFiles) if (!reports.has(file)) rmSync(join(apiDir, file));
  for (const [file, report] of reports) writeFileSync(join(apiDir, file), report.text);
  for (const [file, report] of reports) {
    console.log(`api/${file}: ${report.counts.map(([s, n]) => `${s} ${n}`).join(', ')}`);
  }
} else {
  let failed = false;
  for (const file of committedFiles) {
    if (!reports.has(file)) {
      console.error(`api/${file}: no package builds this report any more (remove it with \`pnpm run api:update\`)`);
      failed = true;
    }
  }
  for (const [file, report] of reports) {
    const path = join(apiDir, file);
    const committed = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (committed === report.text) continue;
    failed = true;
    console.error(existsSync(path) ? unifiedDiff(committed, report.text, `api/${file}`) : `api/${file}: missing`);
    console.error('');
  }
  if (failed) {
    console.error(
      'api:check: the built public API differs from the committed report in api/. If the change is intended, run\n' +
        '`pnpm run build && pnpm run api:update`, commit api/, and describe every rename or removal in a changeset.',
    );
    process.exit(1);
  }
  console.log(`api:check: ${reports.size} public API reports match the build.`);
}
