/**
 * True when the code seems to run on a web page (a `window` and a `document` exist).
 * Workers, Node, Deno and Bun answer false.
 */
export function runsOnWebPage(): boolean {
  const scope = globalThis as { window?: unknown; document?: unknown };
  return typeof scope.window !== 'undefined' && typeof scope.document !== 'undefined';
}
