import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * The container image's rules, read from the Dockerfile itself (CI builds the image only where Docker runs; this
 * check runs everywhere): a base image pinned to an exact release, a build stage apart from what runs, only
 * production dependencies, an unprivileged user, a HEALTHCHECK, and the compiled server run by node alone.
 */
const ROOT = new URL("../../", import.meta.url);

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile as instructions: comments dropped, `\` continuations joined, keywords upper-cased. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\r?\n/g, " ")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [keyword = "", ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    });
}

const dockerfile = instructions(readFileSync(new URL("Dockerfile", ROOT), "utf8"));
const args = new Map(
  dockerfile
    .filter((i) => i.keyword === "ARG" && i.args.includes("="))
    .map((i) => i.args.split("=", 2) as [string, string]),
);
const resolve = (value: string) => value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args.get(a ?? b) ?? "");
/** Instructions per stage, in order; the last stage is the image that runs. */
const stages: Instruction[][] = [];
for (const instruction of dockerfile) {
  if (instruction.keyword === "FROM") stages.push([]);
  stages.at(-1)?.push(instruction);
}
const runtime = stages.at(-1) ?? [];

describe("the Dockerfile", () => {
  it("builds in stages from a Node 20 slim image pinned to an exact release or digest", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      const image = resolve(stage[0]!.args.split(/\s+/)[0]!);
      expect(image, "a pinned Node 20 slim base").toMatch(
        /^node:20\.\d+\.\d+-[\w-]*slim(@sha256:[0-9a-f]{64})?$|@sha256:[0-9a-f]{64}$/,
      );
    }
  });

  it("installs only production dependencies into what runs", () => {
    const installs = dockerfile.filter((i) => i.keyword === "RUN" && /\bnpm (ci|install)\b/.test(i.args));
    expect(installs.some((i) => /--omit=dev/.test(i.args))).toBe(true);
    const copiedModules = runtime.filter((i) => i.keyword === "COPY" && /node_modules/.test(i.args));
    expect(copiedModules).toHaveLength(1);
    const from = /--from=(\S+)/.exec(copiedModules[0]!.args)?.[1];
    const source = stages.find((stage) => new RegExp(`\\bAS ${from}$`, "i").test(stage[0]!.args));
    expect(source?.some((i) => i.keyword === "RUN" && /--omit=dev/.test(i.args))).toBe(true);
  });

  it("runs as an unprivileged user, with a HEALTHCHECK, the compiled server on node alone", () => {
    const user = runtime.filter((i) => i.keyword === "USER").at(-1);
    expect(user?.args).toBeDefined();
    expect(user?.args).not.toMatch(/^(root|0)(:|$)/);
    const healthcheck = runtime.find((i) => i.keyword === "HEALTHCHECK");
    expect(healthcheck?.args).toContain("/api/health");
    const entrypoint = runtime.find((i) => i.keyword === "ENTRYPOINT")?.args ?? "";
    expect(entrypoint).toContain("server/dist/cli.js");
    expect(entrypoint).not.toMatch(/tsx|\.ts"/);
  });

  it("ships the built dashboard and documentation", () => {
    const copies = runtime.filter((i) => i.keyword === "COPY").map((i) => i.args);
    for (const built of ["server/dist", "examples/dashboard/dist", "docs-site/.vitepress/dist", "openapi"])
      expect(
        copies.some((c) => c.includes(built)),
        built,
      ).toBe(true);
  });
});

describe("docker-compose.yml", () => {
  const compose = parse(readFileSync(new URL("docker-compose.yml", ROOT), "utf8"));

  it("runs the image as `api` and as a scalable `worker` beside PostgreSQL with pgvector and Redis", () => {
    const { api, worker, postgres, redis } = compose.services;
    expect(postgres.image).toMatch(/^pgvector\/pgvector:/);
    expect(redis.image).toMatch(/^redis:7/);
    expect(api.build).toBeDefined();
    expect(api.command).toEqual(["api"]);
    expect(worker.image).toBe(api.image);
    expect(worker.command).toEqual(["worker"]);
    // Scaling needs no fixed host port or container name on the worker.
    expect(worker.ports).toBeUndefined();
    expect(worker.container_name).toBeUndefined();
    for (const service of [api, worker])
      for (const name of [
        "DATABASE_URL",
        "REDIS_URL",
        "BETTER_AUTH_SECRET",
        "ENCRYPTION_KEY",
        "FILE_STORE_DIR",
      ])
        expect(Object.keys(service.environment), name).toContain(name);
  });
});
