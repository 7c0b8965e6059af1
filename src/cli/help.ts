/** Formats the "Examples:" block every command shows after its options. */
export function examples(rows: ReadonlyArray<readonly [command: string, what: string]>): string {
  const lines = rows.map(([command, what]) => `  $ ${command}\n      ${what}`);
  return `\nExamples:\n${lines.join('\n')}\n`;
}
