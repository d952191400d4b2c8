import { readFileSync } from "node:fs";
import path from "node:path";
import type MarkdownIt from "markdown-it";
import { type Plugin, transformWithOxc } from "vite";
import { guideFiles } from "../sidebar.js";
import { isOutputFence, readSnippets, runnableLang } from "../snippets/blocks.js";
import { checkShell } from "../snippets/shell.js";

const DOCS_DIR = path.resolve(import.meta.dirname, "../docs");
const SDK_IN_BROWSER = path.resolve(import.meta.dirname, "theme/sdk-in-browser.ts");
const INDEX_ID = "virtual:segmento-snippets";
const SNIPPET_PREFIX = "virtual:segmento-snippet/";

/** `guide/quickstart.md#3`: a snippet's id, from its page and its place among the page's runnable blocks. */
const snippetId = (page: string, index: number) => `${page}#${index}`;

/**
 * Gives every runnable block (see snippets/blocks.ts) a Run button and marks output blocks. A bash block outside
 * the shell the Run button understands (snippets/shell.ts) fails the build, naming the page and line.
 */
export function runnableSnippets(md: MarkdownIt): void {
  // Inline code is shown as written: `{{customer_id}}` is a template placeholder, not Vue interpolation.
  const inline = md.renderer.rules.code_inline!;
  md.renderer.rules.code_inline = (tokens, idx, options, env, self) =>
    inline(tokens, idx, options, env, self).replace(/^<code/, "<code v-pre");
  const render = md.renderer.rules.fence!;
  md.renderer.rules.fence = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const info = token.info;
    if (isOutputFence(info)) {
      token.info = info.replace(/\s*output$/, "");
      return render(tokens, idx, options, env, self).replace(/^<div class="/, '<div class="snippet-output ');
    }
    const lang = runnableLang(info);
    const html = render(tokens, idx, options, env, self);
    if (!lang) return html;
    const page: string = env.relativePath;
    env.segmentoSnippets = (env.segmentoSnippets ?? 0) + 1;
    const id = snippetId(page, env.segmentoSnippets);
    if (lang === "bash") {
      try {
        checkShell(token.content);
      } catch (error) {
        throw new Error(`${page}:${(token.map?.[0] ?? 0) + 1}: ${(error as Error).message}`);
      }
    }
    const button =
      `<button class="snippet-run" type="button" data-lang="${lang}" data-snippet="${id}"` +
      ` data-code="${encodeURIComponent(token.content)}">Run</button>` +
      `<div class="snippet-result" hidden></div>`;
    return html.replace(/^<div class="/, '<div class="snippet ').replace(/<\/div>$/, `${button}</div>`);
  };
}

/**
 * The TypeScript snippets as modules the Run buttons import: `virtual:segmento-snippets` maps each snippet id to
 * a lazily loaded module whose default export runs the snippet with a given `process.env` and `console`. In
 * them `@segmento/sdk` is the SDK made to call the server that serves the page, with the reader's session.
 */
export function typescriptSnippets(): Plugin {
  const snippets = () =>
    guideFiles().flatMap((page) =>
      readSnippets(readFileSync(path.join(DOCS_DIR, page), "utf8"), page).filter((s) => s.lang === "ts"),
    );
  return {
    name: "segmento-typescript-snippets",
    // Before Vite's own resolver, which would resolve @segmento/sdk to the package itself.
    enforce: "pre",
    resolveId(source, importer) {
      if (source === INDEX_ID || source.startsWith(SNIPPET_PREFIX)) return `\0${source}`;
      if (source === "@segmento/sdk" && importer?.startsWith(`\0${SNIPPET_PREFIX}`)) return SDK_IN_BROWSER;
      return undefined;
    },
    async load(id) {
      if (id === `\0${INDEX_ID}`) {
        const entries = snippets().map((s) => {
          const key = snippetId(s.page, s.index);
          return `  ${JSON.stringify(key)}: () => import(${JSON.stringify(SNIPPET_PREFIX + key)}),`;
        });
        return `export default {\n${entries.join("\n")}\n};\n`;
      }
      if (!id.startsWith(`\0${SNIPPET_PREFIX}`)) return undefined;
      const key = id.slice(SNIPPET_PREFIX.length + 1);
      const snippet = snippets().find((s) => snippetId(s.page, s.index) === key);
      if (!snippet) throw new Error(`no TypeScript snippet ${key}`);
      // The import lines stay at the top; the rest becomes the body of the function the Run button calls.
      const lines = snippet.code.split("\n");
      const imports = lines.filter((l) => l.startsWith("import "));
      const body = lines.filter((l) => !l.startsWith("import "));
      const source = `${imports.join("\n")}\nexport default async function run(process: { env: Record<string, string | undefined> }, console: Pick<Console, "log" | "error">): Promise<void> {\n${body.join("\n")}\n}\n`;
      const { code } = await transformWithOxc(source, `${key.replace(/[#/]/g, "-")}.ts`, { lang: "ts" });
      return code;
    },
  };
}
