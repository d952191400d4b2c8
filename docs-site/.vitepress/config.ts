import { defineConfig } from "vitepress";
import { apiReferenceSidebar } from "../generate/api-reference.js";
import { errorCodesTable } from "../generate/error-codes.js";
import { pastDueGrace, plansTable } from "../generate/plans.js";
import { sdkReferenceSidebar } from "../generate/sdk-reference.js";
import { GUIDES } from "../sidebar.js";
import { generatedTables } from "./generated-tables.js";
import { runnableSnippets, typescriptSnippets } from "./snippets-plugin.js";

/** The site the server serves at /docs (DOCS_SITE_DIR); `npm run docs:build` writes it to .vitepress/dist. */
export default defineConfig({
  title: "Segmento",
  description: "Customer intelligence from a shop's transactions: the guides, the API reference and the SDK.",
  base: "/docs/",
  srcDir: "docs",
  cleanUrls: true,
  lang: "en-US",
  // The build must not depend on git history or the network.
  lastUpdated: false,
  head: [["link", { rel: "icon", href: "/docs/favicon.svg", type: "image/svg+xml" }]],
  markdown: {
    config: (md) => {
      md.use(runnableSnippets);
      md.use(
        generatedTables({
          plans: plansTable,
          "error-codes": errorCodesTable,
          "past-due-grace": pastDueGrace,
        }),
      );
    },
  },
  vite: {
    plugins: [typescriptSnippets()],
    build: { target: "es2022", chunkSizeWarningLimit: 1500 },
  },
  themeConfig: {
    logo: "/favicon.svg",
    nav: [
      { text: "Guides", link: "/guide/quickstart", activeMatch: "^/guide/" },
      { text: "API reference", link: "/reference/api/", activeMatch: "^/reference/api/" },
      { text: "SDK reference", link: "/reference/sdk/", activeMatch: "^/reference/sdk/" },
    ],
    sidebar: {
      "/guide/": GUIDES.map((group) => ({ ...group, items: [...group.items] })),
      "/reference/api/": apiReferenceSidebar(),
      "/reference/sdk/": sdkReferenceSidebar(),
    },
    search: { provider: "local" },
    outline: { level: [2, 3] },
    footer: { message: "MIT licensed. Every runnable snippet on these pages is executed in CI." },
  },
});
