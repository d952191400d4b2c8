import type MarkdownIt from "markdown-it";

/**
 * Replaces `<!-- generated: NAME -->` in a page with the markdown that NAME's generator returns at build time,
 * before the page is parsed (so the search index and the outline see the result).
 */
export const generatedTables =
  (generators: Record<string, () => string>) =>
  (md: MarkdownIt): void => {
    md.core.ruler.before("normalize", "segmento-generated", (state) => {
      state.src = state.src.replace(/<!-- generated: ([\w-]+) -->/g, (_m, name: string) => {
        const generate = generators[name];
        if (!generate) throw new Error(`no generator for <!-- generated: ${name} -->`);
        return generate();
      });
    });
  };
