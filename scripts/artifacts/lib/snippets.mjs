// Finds the TypeScript code blocks of the documentation (every README and docs/*.md) so the
// artifact stage can compile and run each one against the installed packages.
//
// A block that is deliberately not a whole program (an options reference, a signature listing)
// says so on a line of its own right above the fence, with the reason:
//
//   <!-- snippet: partial — lists the options, not a program -->
//
// It is then left out; a marker without a reason is an error, so every exception is justified
// where readers see it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const FENCE_OPEN = /^```(ts|typescript|tsx)\s*$/;
const FENCE_CLOSE = /^```\s*$/;
const MARKER = /^<!--\s*snippet:\s*([a-z-]+)\s*(.*?)\s*-->\s*$/;

/** The documentation files whose code blocks users copy: root README, package READMEs, guides. */
export function documentationFiles(root) {
  const files = [join(root, 'README.md')];
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    files.push(join(root, 'packages', dir, 'README.md'));
  }
  for (const name of readdirSync(join(root, 'docs')).sort()) {
    if (name.endsWith('.md')) files.push(join(root, 'docs', name));
  }
  return files.filter((file) => {
    try {
      readFileSync(file);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The TypeScript blocks of one Markdown file: `{ source, line, code, partial, reason, id }`,
 * `line` being the 1-based line of the opening fence.
 */
export function extractSnippets(root, file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const source = relative(root, file);
  const snippets = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (!FENCE_OPEN.test(lines[i])) continue;
    const start = i;
    const body = [];
    for (i += 1; i < lines.length && !FENCE_CLOSE.test(lines[i]); i += 1) body.push(lines[i]);
    if (i >= lines.length) throw new Error(`${source}:${start + 1}: code block never closed`);
    let above = start - 1;
    while (above >= 0 && lines[above].trim() === '') above -= 1;
    const marker = above >= 0 ? MARKER.exec(lines[above].trim()) : null;
    if (marker && marker[1] !== 'partial') {
      throw new Error(`${source}:${above + 1}: unknown snippet marker "${marker[1]}" (only "partial" exists)`);
    }
    const reason = marker?.[2].replace(/^[—–-]\s*/, '') ?? '';
    if (marker && reason === '') {
      throw new Error(
        `${source}:${above + 1}: a "snippet: partial" marker must say why, e.g. <!-- snippet: partial — … -->`,
      );
    }
    snippets.push({
      source,
      line: start + 1,
      code: `${body.join('\n')}\n`,
      partial: marker !== null,
      reason,
      id: `${source.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-')}-L${start + 1}`,
    });
  }
  return snippets;
}
