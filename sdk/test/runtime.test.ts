import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Segmento, SegmentoError } from "../src/index.js";
import { fakeClient, fakeFetch, json } from "./helpers.js";

const liveKey = `sk_live_${"b".repeat(64)}`;

describe("browsers", () => {
  afterEach(() => vi.unstubAllGlobals());

  const inBrowser = () => {
    vi.stubGlobal("window", {});
    vi.stubGlobal("document", {});
  };

  it("refuses an sk_live_ key in a browser", () => {
    inBrowser();
    expect(() => new Segmento({ apiKey: liveKey })).toThrow(SegmentoError);
    expect(() => new Segmento({ apiKey: liveKey })).toThrow(/dangerouslyAllowBrowser/);
  });

  it("takes it when told to, and takes no key at all (a session) anyway", () => {
    inBrowser();
    expect(new Segmento({ apiKey: liveKey, dangerouslyAllowBrowser: true })).toBeInstanceOf(Segmento);
    expect(new Segmento()).toBeInstanceOf(Segmento);
  });

  it("is not fooled by a window without a document (Deno)", () => {
    vi.stubGlobal("window", {});
    expect(new Segmento({ apiKey: liveKey })).toBeInstanceOf(Segmento);
  });
});

describe("credentials and headers", () => {
  it("sends the API key as a bearer token and the client's headers, and no Origin unless configured", async () => {
    const { client, requests } = fakeClient(() => json(200, {}), { headers: { "Accept-Language": "tr" } });
    await client.projects.get("p1");
    expect(requests[0]?.headers.get("authorization")).toBe(`Bearer sk_live_${"a".repeat(64)}`);
    expect(requests[0]?.headers.get("accept-language")).toBe("tr");
    expect(requests[0]?.headers.get("origin")).toBeNull();
    expect(requests[0]?.headers.get("cookie")).toBeNull();
  });

  it("sends a session token as the better-auth cookie, with the configured Origin", async () => {
    const { fetch, requests } = fakeFetch(() => json(200, { organizations: [] }));
    const client = new Segmento({ sessionToken: "tok.sig", origin: "https://app.example", fetch });
    await client.organizations.list();
    expect(requests[0]?.headers.get("cookie")).toBe("better-auth.session_token=tok.sig");
    expect(requests[0]?.headers.get("origin")).toBe("https://app.example");
    expect(requests[0]?.headers.get("authorization")).toBeNull();
    expect(requests[0]?.url).toBe("https://api.segmento.app/api/organizations");
  });

  it("keeps the session cookie sign-in sets, and drops it at sign-out", async () => {
    const { fetch, requests } = fakeFetch((request) => {
      const path = new URL(request.url).pathname;
      const headers = new Headers({ "content-type": "application/json" });
      if (path.endsWith("/sign-in/email")) {
        headers.append("set-cookie", "better-auth.session_token=abc.sig; Path=/; HttpOnly; SameSite=Lax");
        return new Response(JSON.stringify({ redirect: false, token: "abc", user: {} }), { headers });
      }
      if (path.endsWith("/sign-out")) {
        headers.append("set-cookie", "better-auth.session_token=; Max-Age=0; Path=/");
        return new Response(JSON.stringify({ success: true }), { headers });
      }
      return new Response("null", { headers });
    });
    const client = new Segmento({ baseUrl: "http://localhost:3001", origin: "http://localhost:5173", fetch });
    await client.auth.signIn({ email: "ada@example.com", password: "correct-horse-battery" });
    expect(await client.auth.getSession()).toBeNull();
    await client.auth.signOut();
    await client.auth.getSession();
    expect(requests.map((r) => r.headers.get("cookie"))).toEqual([
      null,
      "better-auth.session_token=abc.sig",
      "better-auth.session_token=abc.sig",
      null,
    ]);
  });

  it("keeps the other cookies of a Cookie header it was given", async () => {
    const { fetch, requests } = fakeFetch(() => {
      const headers = new Headers({ "set-cookie": "better-auth.session_token=new; Path=/" });
      return new Response("{}", { headers });
    });
    const client = new Segmento({ cookie: "theme=dark; better-auth.session_token=old", fetch });
    await client.organizations.list();
    await client.organizations.list();
    expect(requests.map((r) => r.headers.get("cookie"))).toEqual([
      "theme=dark; better-auth.session_token=old",
      "theme=dark; better-auth.session_token=new",
    ]);
  });
});

describe("health", () => {
  const readiness = (status: string) => ({
    status,
    mode: "embedded",
    version: "0.1.0",
    dependencies: {},
    migrations: { status: "current", pending: [] },
  });

  it("returns a server's 503 readiness body instead of throwing, without retrying", async () => {
    const { client, fetch } = fakeClient(() => json(503, readiness("not_ready")));
    expect(await client.health.ready()).toMatchObject({ status: "not_ready" });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("still throws a 503 that is not a readiness report", async () => {
    const { client } = fakeClient(() => json(503, { error: "down", code: "dependency_unavailable" }));
    await expect(client.health.ready()).rejects.toMatchObject({
      status: 503,
      code: "dependency_unavailable",
    });
  });
});

describe("the SDK's source", () => {
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)],
    );

  it("uses no Node built-ins, only fetch and WebCrypto", () => {
    const src = new URL("../src", import.meta.url).pathname;
    const offenders = files(src)
      .filter((file) => !file.includes("/generated/"))
      .filter((file) => /from "node:|require\(|\bprocess\.|\bBuffer\b/.test(readFileSync(file, "utf8")));
    expect(offenders).toEqual([]);
  });
});
