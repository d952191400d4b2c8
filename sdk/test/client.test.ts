import { inspect } from "node:util";
import { afterEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { AuthenticationError, NotFoundError, type Schema, Segmento } from "../src/index.js";
import { VERSION } from "../src/version.js";
import { fakeClient, fakeFetch, json } from "./helpers.js";

const KEY = `sk_live_${"e".repeat(64)}`;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("environment defaults", () => {
  it("takes the key and the base URL from SEGMENTO_API_KEY and SEGMENTO_BASE_URL", async () => {
    vi.stubEnv("SEGMENTO_API_KEY", KEY);
    vi.stubEnv("SEGMENTO_BASE_URL", "http://env.test");
    const { fetch, requests } = fakeFetch(() => json(200, { id: "p1" }));
    await new Segmento({ fetch }).projects.get("p1");
    expect(requests[0]?.url).toBe("http://env.test/api/projects/p1");
    expect(requests[0]?.headers.get("authorization")).toBe(`Bearer ${KEY}`);
  });

  it("prefers the options, and sends no env key beside a session", async () => {
    vi.stubEnv("SEGMENTO_API_KEY", KEY);
    const { fetch, requests } = fakeFetch(() => json(200, { id: "p1" }));
    await new Segmento({ fetch, baseUrl: "http://api.test", sessionToken: "tok" }).projects.get("p1");
    expect(requests[0]?.headers.get("authorization")).toBeNull();
    expect(requests[0]?.headers.get("cookie")).toBe("better-auth.session_token=tok");
  });

  it("says before sending that no credentials fit, naming the route and the fix", async () => {
    vi.stubEnv("SEGMENTO_API_KEY", "");
    const { fetch } = fakeFetch(() => json(200, {}));
    const anonymous = new Segmento({ fetch, baseUrl: "http://api.test" });
    await expect(anonymous.segments.list("p1")).rejects.toThrow(
      /GET \/api\/engine\/projects\/\{projectId\}\/segments needs credentials.*SEGMENTO_API_KEY/,
    );
    const session = new Segmento({ fetch, baseUrl: "http://api.test", sessionToken: "tok" });
    const ingest = session.ingest.send("p1", [{ customer_id: "C-1", order_date: "2026-05-01", amount: 1 }]);
    await expect(ingest).rejects.toBeInstanceOf(AuthenticationError);
    await expect(ingest).rejects.toThrow(/POST \/api\/v1\/ingest needs a project API key/);
    expect(fetch).not.toHaveBeenCalled();
    // Public routes need nothing.
    const health = fakeFetch(() => json(200, { status: "ok" }));
    await new Segmento({ fetch: health.fetch, baseUrl: "http://api.test" }).health.check();
    expect(health.fetch).toHaveBeenCalledTimes(1);
  });
});

describe("results", () => {
  it("are real Promises with the response and the request id at hand", async () => {
    const { client } = fakeClient(() => json(200, { id: "p1", name: "Shop" }, { "x-request-id": "req_ok" }));
    const promise = client.projects.get("p1");
    expect(promise).toBeInstanceOf(Promise);
    const project = await promise;
    expect(project).toEqual({ id: "p1", name: "Shop" });
    expect(project.requestId).toBe("req_ok");
    expect(JSON.stringify(project)).toBe('{"id":"p1","name":"Shop"}');
    const { data, response, requestId } = await client.projects.get("p1").withResponse();
    expect([data.id, response.status, requestId]).toEqual(["p1", 200, "req_ok"]);
    const raw = await client.projects.get("p1").asResponse();
    expect(await raw.json()).toEqual({ id: "p1", name: "Shop" });
  });

  it("type as Promises: assignable, and usable where a () => Promise is expected", () => {
    const client = new Segmento({ apiKey: KEY, baseUrl: "http://api.test" });
    type List = Awaited<ReturnType<typeof client.customers.list>>;
    expectTypeOf(client.customers.list("p1")).toMatchTypeOf<Promise<List>>();
    expectTypeOf(client.projects.get("p1")).toMatchTypeOf<Promise<{ id: string }>>();
    const tasks: (() => Promise<unknown>)[] = [
      () => client.customers.list("p1"),
      () => client.runs.get("r1"),
    ];
    expectTypeOf(tasks).toBeArray();
    expectTypeOf(client.ingest.send("p1", [], { wait: "run" })).resolves.toEqualTypeOf<Schema<"Run">>();
    expectTypeOf(client.ingest.send("p1", [])).resolves.toEqualTypeOf<Schema<"IngestAccepted">[]>();
  });

  it("type job results by the job's type", async () => {
    const { client } = fakeClient(() =>
      json(200, { job_id: "j1", type: "segmentation", status: "completed", result: null }),
    );
    const job = await client.jobs.status("j1");
    if (job.type === "segmentation") {
      expectTypeOf(job.result).toEqualTypeOf<Schema<"SegmentationResult"> | null>();
    }
    if (job.type === "ingest") expectTypeOf(job.result).toEqualTypeOf<Schema<"IngestResult"> | null>();
    expect(job.type).toBe("segmentation");
  });
});

describe("withOptions", () => {
  it("gives a client with other options and the same session", async () => {
    const { fetch, requests } = fakeFetch(() =>
      json(200, { id: "p1" }, { "set-cookie": "better-auth.session_token=abc; Path=/; HttpOnly" }),
    );
    const client = new Segmento({ fetch, baseUrl: "http://api.test", origin: "http://localhost:5173" });
    await client.auth.signIn({ email: "ada@example.com", password: "x".repeat(12) });
    const other = client.withOptions({ headers: { "Accept-Language": "tr" } });
    await other.projects.get("p1");
    expect(requests[1]?.headers.get("cookie")).toBe("better-auth.session_token=abc");
    expect(requests[1]?.headers.get("accept-language")).toBe("tr");
    expect(requests[1]?.headers.get("origin")).toBe("http://localhost:5173");
  });
});

describe("headers and logging", () => {
  it("names the SDK and its version", async () => {
    const { client, requests } = fakeClient(() => json(200, { id: "p1" }));
    await client.projects.get("p1");
    expect(requests[0]?.headers.get("x-segmento-client")).toBe(`@segmento/sdk ${VERSION}`);
    expect(requests[0]?.headers.get("user-agent")).toBe(`segmento-sdk-js/${VERSION}`);
  });

  it("logs requests and retries at the chosen level, never a key", async () => {
    const lines: string[] = [];
    const logger = {
      error: (...args: unknown[]) =>
        lines.push(`error ${inspect(args, { breakLength: Number.POSITIVE_INFINITY })}`),
      warn: (...args: unknown[]) =>
        lines.push(`warn ${inspect(args, { breakLength: Number.POSITIVE_INFINITY })}`),
      info: (...args: unknown[]) =>
        lines.push(`info ${inspect(args, { breakLength: Number.POSITIVE_INFINITY })}`),
      debug: (...args: unknown[]) =>
        lines.push(`debug ${inspect(args, { breakLength: Number.POSITIVE_INFINITY })}`),
    };
    const { client } = fakeClient(
      (_request, attempt) =>
        attempt === 1 ? json(503, { error: "busy" }, { "retry-after-ms": "1" }) : json(200, { id: "p1" }),
      { logLevel: "debug", logger },
    );
    await client.projects.get("p1");
    expect(lines.join("\n")).toMatch(/debug.*GET \/api\/projects\/\{projectId\} sending/);
    expect(lines.join("\n")).toMatch(/info.*retrying after 503/);
    expect(lines.join("\n")).not.toContain("sk_live_");

    vi.stubEnv("SEGMENTO_LOG", "info");
    const quiet: string[] = [];
    const { client: envClient } = fakeClient(() => json(200, { id: "p1" }), {
      logger: { ...logger, debug: (...args: unknown[]) => quiet.push(inspect(args)) },
    });
    await envClient.projects.get("p1");
    expect(quiet).toEqual([]);
  });
});

describe("errors", () => {
  it("say status, code and request id, and inspect compactly", async () => {
    const { client } = fakeClient(() =>
      json(404, { error: "Project not found", code: "not_found" }, { "x-request-id": "req_404" }),
    );
    const error = await client.projects.get("p1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe("404 not_found: Project not found (request id req_404)");
    const shown = inspect(error);
    expect(shown).toContain('{"status":404,"code":"not_found","requestId":"req_404"}');
    expect(shown).not.toContain("content-type");
  });
});
