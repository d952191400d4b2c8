/**
 * The plans table of the billing guide, from the plans catalogue the server enforces (server/src/billing/plans.ts),
 * so a changed price or limit changes the page. The only file that knows the catalogue's shape.
 */
import { PAST_DUE_GRACE_DAYS, PLANS } from "../../server/src/billing/plans.js";

const LIMITS: [keyof (typeof PLANS)[number]["limits"], string, (n: number) => string][] = [
  ["rows", "Rows", (n) => n.toLocaleString("en-US")],
  ["profiles", "Customer profiles", (n) => n.toLocaleString("en-US")],
  ["modelRuns", "Model runs per month", (n) => n.toLocaleString("en-US")],
  ["genaiOps", "GenAI operations", (n) => n.toLocaleString("en-US")],
  ["automations", "Active automations", (n) => n.toLocaleString("en-US")],
  ["storageGb", "Storage", (n) => `${n} GB`],
  ["teamSeats", "Team seats", (n) => n.toLocaleString("en-US")],
];

export function plansTable(): string {
  const row = (label: string, cells: string[]) => `| ${label} | ${cells.join(" | ")} |`;
  return [
    row(
      "",
      PLANS.map((p) => `**${p.name}** (\`${p.id}\`)`),
    ),
    row(
      "---",
      PLANS.map(() => "---"),
    ),
    row(
      "Monthly",
      PLANS.map((p) => `$${p.priceMonthlyUsd}`),
    ),
    row(
      "Annual, per month",
      PLANS.map((p) => `$${p.priceAnnualMonthlyUsd}`),
    ),
    row(
      "Trial",
      PLANS.map((p) => (p.id === "free" ? "none" : "the Stripe price's")),
    ),
    ...LIMITS.map(([key, label, format]) =>
      row(
        label,
        PLANS.map((p) => {
          const limit: number | null = p.limits[key];
          return limit === null ? "unlimited" : format(limit);
        }),
      ),
    ),
  ].join("\n");
}

/** How long a past_due subscription keeps its paid limits, as the quotas enforce it. */
export const pastDueGrace = (): string => `${PAST_DUE_GRACE_DAYS} days`;
