/**
 * The SDK reference, generated from @segmento/sdk's TSDoc by TypeDoc (markdown output for VitePress) before the
 * site is built: `tsx docs-site/generate/sdk-reference.ts`, which `npm run docs:build` runs. It writes
 * docs/reference/sdk/ (not committed) and the sidebar the site's config reads.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Application, Converter, type TypeDocOptions } from "typedoc";
import type { DefaultTheme } from "vitepress";

const SDK = fileURLToPath(new URL("../../sdk/", import.meta.url));
const OUT = fileURLToPath(new URL("../docs/reference/sdk", import.meta.url));
const SIDEBAR = `${OUT}/typedoc-sidebar.json`;
const GENERATED_TYPES = ["paths", "components", "operations"];

export function sdkReferenceSidebar(): DefaultTheme.SidebarItem[] {
  const items = existsSync(SIDEBAR)
    ? (JSON.parse(readFileSync(SIDEBAR, "utf8")) as DefaultTheme.SidebarItem[])
    : [{ text: "Not generated: run npm run docs:build", link: "/reference/sdk/" }];
  return [{ text: "SDK reference", items: [{ text: "Overview", link: "/reference/sdk/" }, ...items] }];
}

export async function generateSdkReference(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  // typedoc-plugin-markdown's and typedoc-vitepress-theme's options are declared by the plugins, loaded at run time.
  const options: Partial<TypeDocOptions> & Record<string, unknown> = {
    entryPoints: [`${SDK}src/index.ts`],
    tsconfig: `${SDK}tsconfig.build.json`,
    // The resource groups (segmento.customers, ...) are classes the package does not export by name: documented
    // all the same, so every method has its page.
    plugin: ["typedoc-plugin-markdown", "typedoc-vitepress-theme", "typedoc-plugin-missing-exports"],
    placeInternalsInOwningModule: true,
    out: OUT,
    readme: "none",
    name: "@segmento/sdk",
    excludePrivate: true,
    excludeInternal: true,
    excludeExternals: true,
    disableSources: true,
    hidePageHeader: true,
    entryFileName: "index",
    // The generated schema's JSDoc uses @description, which TSDoc does not define.
    logLevel: "Error",
    docsRoot: fileURLToPath(new URL("../docs", import.meta.url)),
    sidebar: { pretty: true },
  };
  const app = await Application.bootstrapWithPlugins(options);
  // The types generated from the contract are the API reference's subject; here they would be 4 MB of pages.
  // Removed before TypeDoc groups the reflections, so no page or index lists them.
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const name of GENERATED_TYPES) {
      const reflection = context.project.getChildByName(name);
      if (reflection) context.project.removeReflection(reflection);
    }
  });
  const project = await app.convert();
  if (!project) throw new Error("TypeDoc could not read the SDK's sources");
  await app.generateOutputs(project);
  if (app.logger.hasErrors()) throw new Error("TypeDoc reported errors");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await generateSdkReference();
