import type { Snippet } from "./blocks.js";
import { outputMatches } from "./output.js";
import type { SnippetRun } from "./terminal.js";

/**
 * Why a snippet's run fails the suite, or undefined when it passed: it must exit 0, write nothing to stderr, and
 * print what the page shows after it (nothing, when the page shows nothing). The message names the page and line.
 */
export function snippetFailure(snippet: Snippet, run: SnippetRun): string | undefined {
  const where = `${snippet.page}:${snippet.line}\n${snippet.code}\n--- stdout:\n${run.stdout}\n--- stderr:\n${run.stderr}`;
  if (run.exitCode !== 0) return `exited ${run.exitCode}: ${where}`;
  if (run.stderr !== "") return `wrote to stderr: ${where}`;
  if (snippet.output === null)
    return run.stdout === "" ? undefined : `printed output the page does not show: ${where}`;
  return outputMatches(snippet.output, run.stdout)
    ? undefined
    : `printed something else than the page shows:\n${snippet.output}\n--- ${where}`;
}
