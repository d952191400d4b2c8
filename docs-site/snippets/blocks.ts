/**
 * Which code blocks of a page a reader can run, and what each should print. One rule, read by the snippet suite
 * (which runs them), the site's markdown plugin (which gives them a Run button) and the docs' contributing note:
 *
 * - ```bash and ```ts blocks are runnable. Illustrative code uses ```sh or ```typescript (not run).
 * - A block whose info string ends in `output` (```json output, ```text output) is what the runnable block(s)
 *   just before it print: a single block, or every tab of the `::: code-group` just before it.
 * - A runnable block with no output block after it must print nothing.
 */
export type SnippetLang = "bash" | "ts";

export interface Snippet {
  /** The page, relative to docs-site/docs. */
  page: string;
  /** 1-based position among the page's runnable blocks. */
  index: number;
  lang: SnippetLang;
  code: string;
  /** What it prints, as the page shows it; null when the page shows nothing (it must print nothing). */
  output: string | null;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

const RUNNABLE: Record<string, SnippetLang> = { bash: "bash", ts: "ts" };

/** The language of a fence's info string, e.g. "bash" for "bash [curl]". */
export const fenceLang = (info: string): string => info.trim().split(/[\s{[]/)[0] ?? "";
export const runnableLang = (info: string): SnippetLang | undefined => RUNNABLE[fenceLang(info)];
export const isOutputFence = (info: string): boolean => /\boutput$/.test(info.trim());

interface Fence {
  info: string;
  code: string;
  line: number;
  /** Index of the `::: code-group` it sits in, if any. */
  group: number | undefined;
}

function fences(markdown: string): Fence[] {
  const lines = markdown.split("\n");
  const found: Fence[] = [];
  let group: number | undefined;
  let groups = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^:::\s*code-group/.test(line)) group = groups++;
    else if (/^:::\s*$/.test(line)) group = undefined;
    const open = /^(`{3,})(.*)$/.exec(line);
    if (!open) continue;
    const [, ticks, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.startsWith(ticks!); j++) body.push(lines[j]!);
    found.push({ info: info!.trim(), code: body.join("\n"), line: i + 1, group });
    i = j;
  }
  return found;
}

/** The page's runnable snippets in page order, each with the output the page shows after it. */
export function readSnippets(markdown: string, page: string): Snippet[] {
  const snippets: Snippet[] = [];
  let pending: Snippet[] = [];
  let pendingGroup: number | undefined;
  for (const fence of fences(markdown)) {
    const lang = runnableLang(fence.info);
    if (isOutputFence(fence.info)) {
      if (pending.length === 0)
        throw new Error(`${page}:${fence.line}: an output block must follow a runnable bash or ts block`);
      for (const snippet of pending) snippet.output = fence.code;
      pending = [];
    } else if (lang) {
      // A new runnable block outside the group of the pending ones ends them: they print nothing.
      if (fence.group === undefined || fence.group !== pendingGroup) pending = [];
      const snippet: Snippet = {
        page,
        index: snippets.length + 1,
        lang,
        code: fence.code,
        output: null,
        line: fence.line,
      };
      snippets.push(snippet);
      pending.push(snippet);
      pendingGroup = fence.group;
    } else {
      pending = [];
    }
  }
  return snippets;
}
