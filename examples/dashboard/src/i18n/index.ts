import { en } from "./en.js";
import { tr } from "./tr.js";

/** The languages the server answers in (Accept-Language); the UI speaks the same ones. */
export type Lang = "en" | "tr";
export type MessageKey = keyof typeof en;
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A key built at run time (a model's or a warning's code) that the dictionaries know. */
export const isMessageKey = (key: string): key is MessageKey => key in en;

const tables: Record<Lang, Record<MessageKey, string>> = { en, tr };
const locales: Record<Lang, string> = { en: "en-US", tr: "tr-TR" };
const STORAGE_KEY = "segmento.lang";

export function translator(lang: Lang): Translate {
  const table = tables[lang];
  return (key, params) =>
    table[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      params && name in params ? String(params[name]) : whole,
    );
}

/** The saved choice, else the browser's first supported language, else English. */
export function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === "en" || saved === "tr") return saved;
  const preferred = navigator.languages.find((l) => /^(en|tr)\b/i.test(l));
  return preferred?.toLowerCase().startsWith("tr") ? "tr" : "en";
}

export function saveLang(lang: Lang): void {
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
}

/** Numbers, money and dates in the UI's language. */
export interface Formats {
  number(value: number, digits?: number): string;
  money(value: number, currency?: string): string;
  percent(share: number, digits?: number): string;
  date(iso: string): string;
  dateTime(iso: string): string;
}

export function formats(lang: Lang): Formats {
  const locale = locales[lang];
  return {
    number: (value, digits = 0) =>
      value.toLocaleString(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }),
    money: (value, currency = "USD") =>
      value.toLocaleString(locale, { style: "currency", currency, maximumFractionDigits: 0 }),
    percent: (share, digits = 0) =>
      share.toLocaleString(locale, { style: "percent", maximumFractionDigits: digits }),
    date: (iso) => new Date(iso).toLocaleDateString(locale, { dateStyle: "medium" }),
    dateTime: (iso) => new Date(iso).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" }),
  };
}
