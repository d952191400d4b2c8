/**
 * The guides in reading order: the sidebar shows them in this order, and the snippet suite runs their snippets
 * in this order, as one reader in one terminal would.
 */
export const GUIDES = [
  {
    text: "Start here",
    items: [
      { text: "Quickstart", link: "/guide/quickstart" },
      { text: "Concepts", link: "/guide/concepts" },
    ],
  },
  {
    text: "Data in",
    items: [
      { text: "Sending data", link: "/guide/sending-data" },
      { text: "Runs and jobs", link: "/guide/runs-and-jobs" },
    ],
  },
  {
    text: "Results",
    items: [
      { text: "Customers and filters", link: "/guide/customers" },
      { text: "Segments", link: "/guide/segments" },
      { text: "The Engine explained", link: "/guide/engine" },
    ],
  },
  {
    text: "Acting on segments",
    items: [
      { text: "Automations and channels", link: "/guide/automations" },
      { text: "Webhooks", link: "/guide/webhooks" },
    ],
  },
  {
    text: "Operating",
    items: [
      { text: "Plans, quotas and billing", link: "/guide/billing" },
      { text: "Errors and rate limits", link: "/guide/errors" },
      { text: "Erasing a customer", link: "/guide/privacy" },
      { text: "The SDK", link: "/guide/sdk" },
      { text: "Self-hosting", link: "/guide/self-hosting" },
    ],
  },
] as const;

/** Every guide's markdown file, relative to docs-site/docs, in reading order. */
export const guideFiles = (): string[] =>
  GUIDES.flatMap((group) => group.items.map((item) => `${item.link.slice(1)}.md`));
