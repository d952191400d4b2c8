import { describe, expect, it } from "vitest";
import { type ExtraFields, fitExtraFieldEncoder } from "../../src/engine/extra-fields.js";

/** `n` rows of one field, from a function of the row index (undefined: the field is absent). */
const rows = (n: number, value: (i: number) => string | number | boolean | undefined): ExtraFields[] =>
  Array.from({ length: n }, (_, i): ExtraFields => {
    const v = value(i);
    return v === undefined ? {} : { field: v };
  });

describe("extra fields as features", () => {
  it("keeps numbers as numbers, text that reads as a number included, missing values at the mean with a flag", () => {
    const encoder = fitExtraFieldEncoder(
      rows(100, (i) => (i % 10 === 0 ? undefined : i % 2 ? i : String(i))),
    );
    expect(encoder.fields).toEqual([
      {
        field: "field",
        kind: "numeric",
        columns: ["field", "field (missing)"],
        note: "10 missing values set to the mean",
      },
    ]);
    expect(encoder.encode({ field: "12.5" })).toEqual([12.5, 0]);
    const mean =
      Array.from({ length: 100 }, (_, i) => i)
        .filter((i) => i % 10 !== 0)
        .reduce((a, b) => a + b, 0) / 90;
    expect(encoder.encode({})).toEqual([mean, 1]);
  });

  it("treats a field with up to 5 % stray text as numeric, the text as missing; more makes it categorical", () => {
    const stray = fitExtraFieldEncoder(rows(100, (i) => (i < 5 ? "n/a" : i)));
    expect(stray.fields[0]).toMatchObject({ kind: "numeric", columns: ["field", "field (missing)"] });
    expect(stray.encode({ field: "n/a" })[1]).toBe(1);
    const mixed = fitExtraFieldEncoder(rows(100, (i) => (i < 6 ? "n/a" : i % 3)));
    expect(mixed.fields[0]!.kind).toBe("categorical");
  });

  it("reads booleans and yes/no text as 0/1", () => {
    const encoder = fitExtraFieldEncoder(rows(60, (i) => [true, "no", "Yes", false][i % 4]));
    expect(encoder.fields[0]).toMatchObject({ kind: "boolean", columns: ["field"] });
    expect(
      [true, "YES", "false", undefined].map((v) => encoder.encode(v === undefined ? {} : { field: v })),
    ).toEqual([[1], [1], [0], [0.5]]);
  });

  it("one-hot encodes categories against the most frequent level and pools rare levels", () => {
    // 60 "email", 30 "sms", 25 "push", 5 "fax", 3 "pigeon", 2 missing: fax, pigeon and missing are rare (< 20).
    const levels = [
      ...Array(60).fill("email"),
      ...Array(30).fill("sms"),
      ...Array(25).fill("push"),
      ...Array(5).fill("fax"),
      ...Array(3).fill("pigeon"),
      undefined,
      undefined,
    ];
    const encoder = fitExtraFieldEncoder(
      levels.map((v): ExtraFields => (v === undefined ? {} : { channel: v })),
    );
    expect(encoder.fields).toEqual([
      {
        field: "channel",
        kind: "categorical",
        columns: ["channel=sms", "channel=push", "channel=(other)"],
        note: 'reference level "email"; 3 rare levels pooled as (other)',
      },
    ]);
    expect(encoder.encode({ channel: "email" })).toEqual([0, 0, 0]);
    expect(encoder.encode({ channel: " sms " })).toEqual([1, 0, 0]);
    expect(encoder.encode({ channel: "fax" })).toEqual([0, 0, 1]);
    expect(encoder.encode({ channel: "carrier-crow" })).toEqual([0, 0, 1]);
    expect(encoder.encode({})).toEqual([0, 0, 1]);
  });

  it("keeps at most 20 levels and drops identifier-like and single-valued fields, saying why", () => {
    const many = fitExtraFieldEncoder(rows(3000, (i) => `shop-${i % 30}`));
    expect(many.fields[0]!.columns).toHaveLength(20);
    expect(many.fields[0]!.note).toMatch(/10 rare levels pooled/);
    const encoder = fitExtraFieldEncoder(
      Array.from({ length: 200 }, (_, i) => ({
        member_code: `M-${i}`,
        country: "TR",
        plan: i % 2 ? "pro" : "free",
      })),
    );
    expect(encoder.fields.map((f) => [f.field, f.kind, f.note])).toEqual([
      ["country", "dropped", "a single value: nothing to learn from"],
      ["member_code", "dropped", "looks like an identifier: 200 distinct values among 200 customers"],
      ["plan", "categorical", 'reference level "free"'],
    ]);
    expect(encoder.columns).toEqual(["plan=pro"]);
  });
});
