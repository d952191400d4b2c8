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
  it("the README's table lists every variable the server reads", async () => {
    const { readFileSync } = await import("node:fs");
    const { ENVIRONMENT } = await import("../src/config.js");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const listed = (name: string) => new RegExp(`^\\| \`${name}\`\\s+\\|`, "m").test(readme);
    const missing = ENVIRONMENT.map(([name]) => name).filter((name) => !listed(name));
    expect(missing).toEqual([]);
  });
});
