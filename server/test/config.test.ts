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

describe("documentation of the environment", () => {
  it("the README's table and --help list every variable the server reads (found by scanning server/src)", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const { ENVIRONMENT } = await import("../src/config.js");
    const src = new URL("../src/", import.meta.url);
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    const read = new Set<string>();
    for (const file of files) {
      let text = readFileSync(new URL(file, src), "utf8");
      if (file === "config.ts") {
        // loadConfig reads through its helpers (read/int/url, and a table for the provider URLs): every
        // upper-case string literal in it names a variable.
        text = text.slice(
          text.indexOf("export function loadConfig"),
          text.indexOf("export const ENVIRONMENT"),
        );
        for (const m of text.matchAll(/"([A-Z][A-Z0-9_]+)"/g)) read.add(m[1]!);
      }
      for (const m of text.matchAll(
        /process\.env(?:\.([A-Z][A-Z0-9_]*)|\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\])/g,
      ))
        read.add((m[1] ?? m[2])!);
    }
    // The scan found what the loader is known to read; fewer would mean the scan itself is broken.
    for (const known of ["PORT", "DATABASE_URL", "SSE_HEARTBEAT_MS", "SENDGRID_API_BASE"])
      expect(read).toContain(known);
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const inReadme = (name: string) => new RegExp(`^\\| \`${name}\`\\s+\\|`, "m").test(readme);
    const inHelp = new Set<string>(ENVIRONMENT.map(([name]) => name));
    expect([...read].filter((name) => !inHelp.has(name)).sort(), "missing from ENVIRONMENT (--help)").toEqual(
      [],
    );
    expect([...read].filter((name) => !inReadme(name)).sort(), "missing from the README table").toEqual([]);
    expect([...inHelp].filter((name) => !read.has(name)).sort(), "documented but never read").toEqual([]);
  });
});
