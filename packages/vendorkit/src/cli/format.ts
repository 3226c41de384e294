import { InvalidArgumentError } from 'commander';

/** Renders rows as a plain-text table with a header line; columns padded to the widest cell. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}

/** A commander argument parser for a whole number in `[min, max]` (a usage error otherwise). */
export function integerArgument(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim()))
      throw new InvalidArgumentError(`Expected a whole number between ${min} and ${max}.`);
    const number = Number(value.trim());
    if (number < min || number > max)
      throw new InvalidArgumentError(`Expected a whole number between ${min} and ${max}.`);
    return number;
  };
}

/** Shows at most the first characters of a token, enough to tell two apart, never the whole. */
export function tokenPrefix(token: string): string {
  const shown = Math.min(6, Math.floor(token.length / 4));
  return shown <= 0 ? '…' : `${token.slice(0, shown)}…`;
}

/** `{ [key]: value }` when value is defined, `{}` otherwise: for spreading optional options. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
