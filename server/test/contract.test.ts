import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Contract } from "../src/http/contract.js";
import { isRateLimited } from "../src/http/rate-limit.js";
import { operations } from "../src/operations/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const contract = new Contract();
const routed = contract.operations.filter((op) => op.handledBy === "router");
/** Liveness answers 200 whatever its dependencies (a restart would not fix them); it never says 503. */
const alwaysAvailable = new Set(["getHealth"]);

describe("the contract", () => {
  it("SDK types are a fresh generation of the spec (npm run generate)", () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "segmento-gen-")), "schema.ts");
    execFileSync(
      path.join(root, "node_modules/.bin/openapi-typescript"),
      ["openapi/segmento.yaml", "-o", out, "--default-non-nullable", "false", "--read-write-markers"],
      { cwd: root, stdio: "pipe" },
    );
    const committed = readFileSync(path.join(root, "sdk/src/generated/schema.ts"), "utf8");
    expect(
      committed === readFileSync(out, "utf8"),
      "sdk/src/generated/schema.ts is stale: run `npm run generate`",
    ).toBe(true);
  });

  it("has every endpoint of the product docs, with the docs' paths", () => {
    // The docs list an endpoint as a line "/api/...Session|API key|Public..." whose method ends the line before.
    const docs = readFileSync(
      path.join(root, "server/test/fixtures/docs/segmento-product-docs.txt"),
      "utf8",
    ).split("\n");
    const documented: string[] = [];
    docs.forEach((line, i) => {
      const route = /^(\/api\/[A-Za-z0-9_/:.-]+?)(?:Session|API key|Public)/.exec(line.trim());
      const method = /(GET|POST|PUT|PATCH|DELETE)$/.exec(docs[i - 1]?.trim() ?? "");
      if (route?.[1] && method?.[1]) documented.push(`${method[1]} ${route[1].replace(/:(\w+)/g, "{$1}")}`);
    });
    expect(documented).toHaveLength(22);
    const inSpec = new Set(contract.operations.map((op) => `${op.method.toUpperCase()} ${op.path}`));
    const missing = documented.filter((e) => !inSpec.has(e));
    expect(missing).toEqual([]);
  });

  it("gives every operation a unique operationId, a tag, a summary and a success example", () => {
    const ids = contract.operations.map((op) => op.id);
    expect(new Set(ids).size).toBe(ids.length);
    const paths = contract.document.paths as Record<string, Record<string, Record<string, unknown>>>;
    const problems: string[] = [];
    for (const op of contract.operations) {
      const raw = paths[op.path]![op.method]!;
      expect(raw.tags, op.id).toHaveLength(1);
      expect(typeof raw.summary, op.id).toBe("string");
      // The success response's body (when it has one) carries examples, each valid against its schema.
      const success = Object.keys(op.responses).find((status) => /^2\d\d$/.test(status));
      if (!success) {
        problems.push(`${op.id}: no success response`);
        continue;
      }
      const media = successMedia(op.path, op.method, success);
      for (const [mediaType, body] of Object.entries(media)) {
        const examples =
          body.example !== undefined
            ? [body.example]
            : Object.values(body.examples ?? {}).map((e) => (e as { value?: unknown }).value);
        if (examples.length === 0) problems.push(`${op.id} ${success} ${mediaType}: no example`);
        if (mediaType !== "application/json") continue;
        for (const example of examples) {
          for (const problem of contract.checkResponse(op, Number(success), mediaType, example))
            problems.push(`${op.id} ${success} example: ${problem}`);
        }
      }
      if (op.requestBody?.content["application/json"] && op.requestExample !== undefined) {
        for (const detail of contract.validateBody(op, "application/json", op.requestExample))
          problems.push(`${op.id} request example: ${detail.field} breaks ${detail.rule}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("documents the statuses the docs' error table says each operation can return", () => {
    const problems: string[] = [];
    for (const op of routed) {
      const statuses = Object.keys(op.responses);
      const need = ["500"];
      if (isRateLimited(op.path)) need.push("429");
      if (!alwaysAvailable.has(op.id)) need.push("503");
      if (op.security.length > 0) need.push("401");
      if (op.parameters.some((p) => p.in === "path")) need.push("404");
      if (op.requestBody || op.parameters.some((p) => p.in === "query")) need.push("400");
      if (op.requestBody) need.push("413");
      for (const status of need) if (!statuses.includes(status)) problems.push(`${op.id} lacks ${status}`);
    }
    expect(problems).toEqual([]);
  });

  it("routes every operation to a handler module (none answers 501)", () => {
    const handled = new Set<string>(operations.map((d) => d.id));
    for (const id of handled) expect(contract.operation(id).handledBy).toBe("router");
    // An operation without a handler answers 501: every one counts as missing.
    const missing = routed.filter((op) => !handled.has(op.id)).map((op) => op.id);
    console.log(
      `operations with a handler: ${routed.length - missing.length} of ${routed.length} (better-auth serves ${
        contract.operations.length - routed.length
      } more)`,
    );
    expect(missing).toEqual([]);
  });
});

/** The media types of an operation's success response, its `$ref` followed. */
function successMedia(
  specPath: string,
  method: string,
  status: string,
): Record<string, Record<string, unknown>> {
  const paths = contract.document.paths as Record<string, Record<string, Record<string, unknown>>>;
  let response = (paths[specPath]![method]!.responses as Record<string, Record<string, unknown>>)[status]!;
  while (typeof response.$ref === "string") {
    response = (response.$ref as string)
      .slice(2)
      .split("/")
      .reduce<Record<string, unknown>>(
        (node, key) => node[key] as Record<string, unknown>,
        contract.document,
      ) as Record<string, unknown>;
  }
  return (response.content ?? {}) as Record<string, Record<string, unknown>>;
}
