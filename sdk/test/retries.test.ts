import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { InternalServerError, QuotaExceededError, RateLimitError } from "../src/index.js";
import { fakeClient, json, useFakeTime } from "./helpers.js";

const project = { id: "p1", name: "Shop" };
const rateLimited = (headers: Record<string, string> = {}) =>
  json(429, { error: "Too many requests, retry later", code: "rate_limited", requestId: "req_1" }, headers);

beforeEach(() => {
  useFakeTime();
  // Full jitter with random() = 1 waits the whole window: 500 ms, then 1000 ms, ...
  vi.spyOn(Math, "random").mockReturnValue(1);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Answers with `first` until the last attempt, which gets a 200. */
const failingThen200 = (first: () => Response | Promise<Response>, failures = 1) =>
  fakeClient((_request, attempt) => (attempt <= failures ? first() : json(200, project)));

describe("retries", () => {
  it.each([
    ["408", () => json(408, { error: "timeout", code: "timeout" })],
    ["409", () => json(409, { error: "in progress", code: "conflict" })],
    ["429 rate_limited", () => rateLimited()],
    ["500", () => json(500, { error: "boom", code: "internal_error" })],
    ["503", () => json(503, { error: "redis down", code: "dependency_unavailable" })],
    ["a network error", () => Promise.reject(new TypeError("fetch failed"))],
  ])("retries %s with full-jitter exponential backoff", async (_name, first) => {
    const { client, fetch } = failingThen200(first, 2);
    const result = client.projects.get("p1");
    await vi.advanceTimersByTimeAsync(499);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual(project);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it("caps the backoff at 8 s", async () => {
    const { client, fetch } = failingThen200(() => json(500, { error: "boom" }), 6);
    const result = client.projects.get("p1", { maxRetries: 6 });
    await vi.advanceTimersByTimeAsync(500 + 1000 + 2000 + 4000 + 8000 + 8000 - 1);
    expect(fetch).toHaveBeenCalledTimes(6);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual(project);
  });

  it.each([400, 401, 403, 404, 422])("does not retry %i", async (status) => {
    const { client, fetch } = fakeClient(() => json(status, { error: "no", code: "x" }));
    await expect(client.projects.get("p1")).rejects.toMatchObject({ status });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("gives up after maxRetries and throws the last error", async () => {
    const { client, fetch } = fakeClient(() => json(500, { error: "boom", code: "internal_error" }));
    const result = expect(client.projects.get("p1")).rejects.toBeInstanceOf(InternalServerError);
    await vi.runAllTimersAsync();
    await result;
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it("takes maxRetries per client and per call", async () => {
    const { client, fetch } = fakeClient(() => json(500, { error: "boom" }), { maxRetries: 0 });
    await expect(client.projects.get("p1")).rejects.toBeInstanceOf(InternalServerError);
    expect(fetch).toHaveBeenCalledTimes(1);
    const result = expect(client.projects.get("p1", { maxRetries: 1 })).rejects.toThrow("boom");
    await vi.runAllTimersAsync();
    await result;
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it("never retries a quota 429, whatever the headers say", async () => {
    const { client, fetch } = fakeClient(() =>
      json(429, { error: "Plan quota exceeded: rows", code: "quota_exceeded" }, { "Retry-After": "1" }),
    );
    const error = await client.projects.get("p1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuotaExceededError);
    expect(error).toMatchObject({
      status: 429,
      code: "quota_exceeded",
      detail: "Plan quota exceeded: rows",
    });
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe("x-should-retry", () => {
  it("retries a status it would not retry when the server says `x-should-retry: true`", async () => {
    const { client, fetch } = failingThen200(() =>
      json(400, { error: "try again", code: "bad" }, { "x-should-retry": "true" }),
    );
    const result = client.projects.get("p1");
    await vi.advanceTimersByTimeAsync(500);
    expect(await result).toEqual(project);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("does not retry a 503 when the server says `x-should-retry: false`", async () => {
    const { client, fetch } = failingThen200(() =>
      json(503, { error: "down for good", code: "dependency_unavailable" }, { "x-should-retry": "false" }),
    );
    await expect(client.projects.get("p1")).rejects.toBeInstanceOf(InternalServerError);
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe("server wait hints", () => {
  const now = Date.UTC(2026, 5, 7, 10, 0, 0);

  it.each([
    ["retry-after-ms", { "retry-after-ms": "1500" }, 1500],
    ["Retry-After in seconds", { "Retry-After": "3" }, 3000],
    ["Retry-After as an HTTP date", { "Retry-After": new Date(now + 4000).toUTCString() }, 4000],
    ["retry-after-ms before Retry-After", { "retry-after-ms": "700", "Retry-After": "9" }, 700],
    [
      "RateLimit-Reset (draft 6)",
      { "RateLimit-Limit": "1000", "RateLimit-Remaining": "0", "RateLimit-Reset": "5" },
      5000,
    ],
    ["RateLimit reset= (draft 7)", { RateLimit: "limit=1000, remaining=0, reset=6" }, 6000],
    [
      "RateLimit t= (draft 8)",
      { RateLimit: '"default";r=0;t=7', "RateLimit-Policy": '"default";q=1000;w=900' },
      7000,
    ],
    ["Retry-After before RateLimit-Reset", { "Retry-After": "2", "RateLimit-Reset": "500" }, 2000],
  ])("waits as %s says", async (_name, headers, waitMs) => {
    vi.setSystemTime(now);
    const { client, fetch } = failingThen200(() => rateLimited(headers as Record<string, string>));
    const result = client.projects.get("p1");
    await vi.advanceTimersByTimeAsync(waitMs - 1);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual(project);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("ignores RateLimit-Reset on a 5xx while requests remain (it is not a retry hint there)", async () => {
    const headers = { "RateLimit-Limit": "1000", "RateLimit-Remaining": "990", "RateLimit-Reset": "540" };
    const { client, fetch } = failingThen200(() => json(500, { error: "boom" }, headers));
    const result = client.projects.get("p1");
    await vi.advanceTimersByTimeAsync(500);
    await expect(result).resolves.toEqual(project);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("throws RateLimitError instead of sleeping through a wait over maxRetryWaitMs", async () => {
    vi.setSystemTime(now);
    const { client, fetch } = fakeClient(
      () => rateLimited({ "Retry-After": "900", "RateLimit-Reset": "900" }),
      {
        maxRetryWaitMs: 60_000,
      },
    );
    const error = await client.projects.get("p1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      status: 429,
      code: "rate_limited",
      retryAfterMs: 900_000,
      resetAt: new Date(now + 900_000),
      requestId: "req_1",
    });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("throws RateLimitError with the wait when the retries run out", async () => {
    const { client, fetch } = fakeClient(() => rateLimited({ "Retry-After": "1" }));
    const result = client.projects.get("p1").catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await result).toMatchObject({ name: "RateLimitError", retryAfterMs: 1000 });
    expect(fetch).toHaveBeenCalledTimes(3);
  });
});

describe("rate-limit state and throttle", () => {
  const window = (remaining: number, reset: number) => ({
    "RateLimit-Limit": "1000",
    "RateLimit-Remaining": String(remaining),
    "RateLimit-Reset": String(reset),
  });

  it("exposes the last seen limits", async () => {
    vi.setSystemTime(0);
    const { client } = fakeClient(() => json(200, project, window(987, 540)));
    expect(client.rateLimit).toBeUndefined();
    await client.projects.get("p1");
    expect(client.rateLimit).toEqual({ limit: 1000, remaining: 987, resetAt: new Date(540_000) });
  });

  it("waits for the window to reset when throttling and nothing remains", async () => {
    const { client, fetch } = fakeClient(() => json(200, project, window(0, 2)), { throttle: true });
    await client.projects.get("p1");
    const second = client.projects.get("p1");
    await vi.advanceTimersByTimeAsync(1999);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    await second;
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("does not wait without throttle", async () => {
    const { client, fetch } = fakeClient(() => json(200, project, window(0, 2)));
    await client.projects.get("p1");
    await client.projects.get("p1");
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("throws RateLimitError rather than throttle longer than maxRetryWaitMs", async () => {
    const { client, fetch } = fakeClient(() => json(200, project, window(0, 900)), { throttle: true });
    await client.projects.get("p1");
    await expect(client.projects.get("p1")).rejects.toMatchObject({
      name: "RateLimitError",
      retryAfterMs: 900_000,
    });
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

describe("idempotency", () => {
  const idempotencyKeys = (requests: Request[]) => requests.map((r) => r.headers.get("idempotency-key"));

  it("sends one Idempotency-Key per POST and keeps it across the retries", async () => {
    const { client, requests } = failingThen200(() => json(503, { error: "down" }), 2);
    const first = client.segments.run("p1");
    await vi.runAllTimersAsync();
    await first;
    const keys = idempotencyKeys(requests);
    expect(keys[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keys).toEqual([keys[0], keys[0], keys[0]]);
    await client.segments.run("p1");
    expect(idempotencyKeys(requests)[3]).not.toBe(keys[0]);
  });

  it("takes the caller's key, and puts the key on the error", async () => {
    const { client, requests } = fakeClient(() => json(400, { error: "bad", code: "validation_failed" }));
    const error = await client.segments.run("p1", { idempotencyKey: "order-42" }).catch((e: unknown) => e);
    expect(idempotencyKeys(requests)).toEqual(["order-42"]);
    expect(error).toMatchObject({ idempotencyKey: "order-42" });
  });

  it("sends none on a GET", async () => {
    const { client, requests } = fakeClient(() => json(200, project));
    await client.projects.get("p1");
    expect(idempotencyKeys(requests)).toEqual([null]);
  });
});

describe("middleware", () => {
  it("sees one logical call however many attempts it takes", async () => {
    const { client, fetch } = failingThen200(() => json(500, { error: "boom" }), 2);
    const seen: string[] = [];
    client.use({
      onRequest: ({ request }) => void seen.push(`request ${request.method}`),
      onResponse: ({ response }) => void seen.push(`response ${response.status}`),
    });
    const result = client.projects.get("p1");
    await vi.runAllTimersAsync();
    await result;
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(seen).toEqual(["request GET", "response 200"]);
  });
});
