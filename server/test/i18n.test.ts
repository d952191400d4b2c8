import { describe, expect, it } from "vitest";
import { catalogues, LOCALES, negotiateLocale, translate } from "../src/i18n/index.js";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogues", () => {
  const reference = catalogues.en;

  for (const locale of LOCALES.filter((l) => l !== "en")) {
    it(`${locale} has every English message, with the same placeholders`, () => {
      const catalogue = catalogues[locale] as Record<string, string | undefined>;
      const missing = Object.keys(reference).filter((key) => !catalogue[key]?.trim());
      expect(missing, `messages missing in ${locale}`).toEqual([]);
      for (const [key, english] of Object.entries(reference)) {
        expect(placeholders(catalogue[key] ?? ""), `${locale}.${key} placeholders`).toEqual(
          placeholders(english),
        );
      }
    });

    it(`${locale} is actually translated, not a copy of English`, () => {
      const catalogue = catalogues[locale] as Record<string, string>;
      const copied = Object.keys(reference).filter(
        (key) => catalogue[key] === reference[key as keyof typeof reference],
      );
      expect(copied).toEqual([]);
    });
  }

  it("negotiates the language from Accept-Language, honouring q-values", () => {
    expect(negotiateLocale(undefined)).toBe("en");
    expect(negotiateLocale("tr")).toBe("tr");
    expect(negotiateLocale("tr-TR,tr;q=0.9,en;q=0.8")).toBe("tr");
    expect(negotiateLocale("de-DE,en;q=0.5,tr;q=0.7")).toBe("tr");
    expect(negotiateLocale("fr, de")).toBe("en");
    expect(negotiateLocale("tr;q=0, en")).toBe("en");
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(translate("en", "not_found", { resource: "Project", id: "p1" })).toBe("Project p1 was not found.");
    expect(translate("tr", "not_found", { resource: "Proje", id: "p1" })).toBe("Proje p1 bulunamadı.");
    expect(translate("en", "not_found", { resource: "Project" })).toContain("{id}");
  });
});
