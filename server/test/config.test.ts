import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";

describe("configuration", () => {
  it("defaults to the docs' local base URL port and the embedded mode", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3001);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.rateLimit).toEqual({ max: 1000, windowMs: 900_000 });
  });

  it("names every bad variable, what it got and what it wants", () => {
    let error: unknown;
    try {
      loadConfig({ PORT: "http", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud", BETTER_AUTH_SECRET: "short" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    expect(problems).toContain('PORT must be an integer from 0 to 65535 (got "http")');
    expect(problems).toContain("DATABASE_URL must be a postgres: or postgresql: URL");
    expect(problems).toContain(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    );
    expect(problems).toContain("BETTER_AUTH_SECRET must be at least 32 characters");
  });

  it("trusts the public URL's origin and the configured ones", () => {
    const config = loadConfig({
      PUBLIC_URL: "https://api.example.com/base",
      TRUSTED_ORIGINS: "https://app.example.com",
    });
    expect(config.trustedOrigins).toEqual(["https://api.example.com", "https://app.example.com"]);
    expect(() => loadConfig({ TRUSTED_ORIGINS: "app.example.com" })).toThrow(/must be an origin/);
  });
});

describe("one environment schema", () => {
  it("README's Environment table is the one the schema makes (npm run docs:env writes it)", async () => {
    const { readFileSync } = await import("node:fs");
    const { environmentTable } = await import("../src/config.js");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(readme).toContain(environmentTable());
  });

  it("no server code reads an environment variable the schema does not declare", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const path = await import("node:path");
    const root = new URL("../src/", import.meta.url).pathname;
    const offenders: string[] = [];
    for (const file of readdirSync(root, { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".ts")) continue;
      const source = readFileSync(path.join(root, file), "utf8");
      source.split("\n").forEach((line, index) => {
        // The one sanctioned read: loadConfig's default argument hands the whole environment to the schema.
        if (file === "config.ts" && line.includes("env: Env = process.env")) return;
        if (/process\.env|import\.meta\.env|Deno\.env|Bun\.env/.test(line)) {
          offenders.push(`server/src/${file}:${index + 1}: ${line.trim()}`);
        }
      });
    }
    expect(offenders).toEqual([]);
  });

  it("the parser reads exactly the declared variables", async () => {
    const { ENVIRONMENT_SCHEMA } = await import("../src/config.js");
    const read = new Set<string>();
    const spy = new Proxy({} as Record<string, string | undefined>, {
      get(_, name) {
        if (typeof name === "string") read.add(name);
        return undefined;
      },
    });
    loadConfig(spy);
    expect([...read].sort()).toEqual(Object.keys(ENVIRONMENT_SCHEMA).sort());
  });

  it("--help lists every declared variable", async () => {
    const { execFileSync } = await import("node:child_process");
    const { ENVIRONMENT_SCHEMA } = await import("../src/config.js");
    const cli = new URL("../src/cli.ts", import.meta.url).pathname;
    const help = execFileSync(process.execPath, ["--import", "tsx", cli, "--help"], { encoding: "utf8" });
    for (const name of Object.keys(ENVIRONMENT_SCHEMA)) expect(help).toContain(`  ${name} `);
  });
});
