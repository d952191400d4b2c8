import { FILTER_FIELDS } from "../customers/filter-language.js";

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.: -]+?)\s*\}\}/g;

/** The placeholders a template may use: every customer field, and `extra_features.<key>`. */
export function unknownPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)]
    .map((m) => m[1]!)
    .filter((name) => !Object.hasOwn(FILTER_FIELDS, name) && !name.startsWith("extra_features."));
}

/** Fills `{{field}}` placeholders from a customer as the API presents it; a missing value renders empty. */
export function renderTemplate(text: string, customer: Record<string, unknown>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const [source, key] = name.startsWith("extra_features.")
      ? [customer.extra_features as Record<string, unknown> | undefined, name.slice("extra_features.".length)]
      : [customer, name];
    // Own properties only: {{constructor}} renders empty, not Object's source text.
    const value = source && Object.hasOwn(source, key) ? source[key] : undefined;
    return value === null || value === undefined ? "" : String(value);
  });
}
