/**
 * How a snippet's printed output is compared with the output block the page shows. Values that change from run
 * to run (ids, keys, timestamps, durations) are written as `…` on the page:
 *
 * - `…` inside a line stands for any text within that line;
 * - a line holding only `…` (indented or not) stands for any number of whole lines, none included.
 *
 * Everything else must match exactly, except trailing whitespace at the end of lines and of the output.
 */
export const ELLIPSIS = "…";

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export function outputPattern(expected: string): RegExp {
  const lines = expected.replace(/\s+$/, "").split("\n");
  const parts = lines.map((line) =>
    line.trim() === ELLIPSIS
      ? "(?:[^\\n]*\\n)*?"
      : `${line.trimEnd().split(ELLIPSIS).map(escapeRegExp).join("[^\\n]*?")}[ \\t]*\\n`,
  );
  return new RegExp(`^${parts.join("")}$`);
}

export function outputMatches(expected: string, actual: string): boolean {
  const normalized = `${actual
    .replace(/\s+$/, "")
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")}\n`;
  return outputPattern(expected).test(normalized);
}
