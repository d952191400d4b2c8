import { en, type MessageKey } from "./en.js";
import { tr } from "./tr.js";

export type { MessageKey };
export type Locale = "en" | "tr";
export type MessageParams = Record<string, string | number>;

export const catalogues: Record<Locale, Record<MessageKey, string>> = { en, tr };
export const LOCALES = Object.keys(catalogues) as Locale[];

/** Picks the best supported language from an Accept-Language header (q-values honoured), else English. */
export function negotiateLocale(header: string | undefined): Locale {
  if (!header) return "en";
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...attrs] = part.trim().split(";");
      const q = attrs.map((a) => a.trim()).find((a) => a.startsWith("q="));
      return { lang: tag.toLowerCase().split("-")[0] ?? "", q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => entry.q > 0 && !Number.isNaN(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return (
    ranked.map((entry) => entry.lang).find((lang): lang is Locale => LOCALES.includes(lang as Locale)) ?? "en"
  );
}

export function translate(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const template = catalogues[locale][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
