import { afterEach, describe, expect, it, vi } from "vitest";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  QuotaExceededError,
  RateLimitError,
  SegmentoError,
  UnprocessableEntityError,
} from "../src/index.js";
import { fakeClient, hang, json, useFakeTime } from "./helpers.js";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const catchError = (promise: PromiseLike<unknown>) =>
  Promise.resolve(promise).then(
    () => expect.fail("expected an error"),
    (error) => error,
  );

describe("typed errors", () => {
  it.each([
    [400, "validation_failed", BadRequestError],
    [401, "api_key_unknown", AuthenticationError],
    [403, "project_mismatch", PermissionDeniedError],
    [404, "not_found", NotFoundError],
    [409, "conflict", ConflictError],
    [422, "integration_test_failed", UnprocessableEntityError],
    [429, "rate_limited", RateLimitError],
    [429, "quota_exceeded", QuotaExceededError],
    [500, "internal_error", InternalServerError],
    [503, "dependency_unavailable", InternalServerError],
    [413, "payload_too_large", SegmentoError],
  ])("%i %s -> %o", async (status, code, ErrorClass) => {
    const { client } = fakeClient(
      () => json(status, { error: `Gateway says ${code}`, code, requestId: "req_body" }),
      {
        maxRetries: 0,
      },
    );
    const error = await catchError(client.projects.get("p1"));
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(SegmentoError);
    expect(error).toMatchObject({
      status,
      code,
      detail: `Gateway says ${code}`,
      message: `${status} ${code}: Gateway says ${code} (request id req_body)`,
      requestId: "req_body",
    });
    expect(error.headers.get("content-type")).toBe("application/json");
    expect(error.name).toBe(ErrorClass.name);
  });

  it("reads the engine's `detail`, the request id header and the validation details", async () => {
    const details = [{ location: "query", field: "filters[1].op", rule: "enum", message: "not allowed" }];
    const { client } = fakeClient(() =>
      json(
        400,
        { detail: "Invalid filter", code: "validation_failed", details, errorCount: 3 },
        { "X-Request-Id": "req_hdr" },
      ),
    );
    const error = await catchError(client.customers.list("p1"));
    expect(error).toMatchObject({
      message: "400 validation_failed: Invalid filter (request id req_hdr)",
      detail: "Invalid filter",
      requestId: "req_hdr",
      details,
      errorCount: 3,
    });
  });

  it("reads better-auth's `message`", async () => {
    const { client } = fakeClient(() =>
      json(422, { code: "USER_ALREADY_EXISTS", message: "User already exists" }),
    );
    const error = await catchError(
      client.auth.signUp({ name: "Ada", email: "ada@example.com", password: "x".repeat(12) }),
    );
    expect(error).toBeInstanceOf(UnprocessableEntityError);
    expect(error).toMatchObject({ code: "USER_ALREADY_EXISTS", detail: "User already exists" });
  });

  it("falls back to the status line for a body that is not JSON", async () => {
    const { client } = fakeClient(() => new Response("", { status: 502, statusText: "Bad Gateway" }), {
      maxRetries: 0,
    });
    const error = await catchError(client.projects.get("p1"));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.message).toBe("502: Bad Gateway");
  });
});

describe("connections, timeouts and aborts", () => {
  it("throws APIConnectionError when fetch fails, with the cause and the idempotency key", async () => {
    const cause = new TypeError("fetch failed");
    const { client, fetch } = fakeClient(() => Promise.reject(cause), { maxRetries: 0 });
    const error = await catchError(client.segments.run("p1"));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.cause).toBe(cause);
    expect(error.idempotencyKey).toEqual(expect.any(String));
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("times each attempt out after timeoutMs and retries it", async () => {
    useFakeTime();
    vi.spyOn(Math, "random").mockReturnValue(0);
    const { client, fetch } = fakeClient(hang, { timeoutMs: 1000, maxRetries: 1 });
    const error = catchError(client.projects.get("p1"));
    await vi.advanceTimersByTimeAsync(0);
    expect(fetch).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(fetch).toHaveBeenCalledTimes(1);
    // The timeout at 1000 ms, then the backoff (zero, which timers round up to 1 ms).
    await vi.advanceTimersByTimeAsync(2);
    expect(fetch).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await error).toBeInstanceOf(APIConnectionTimeoutError);
    // How many attempts were made, not only how long one took.
    expect((await error).message).toBe(
      "GET /api/projects/{projectId} timed out after 1000 ms (2 attempts, each with timeoutMs 1000)",
    );
  });

  it("takes timeoutMs per call", async () => {
    useFakeTime();
    const { client } = fakeClient(hang, { maxRetries: 0 });
    const error = catchError(client.projects.get("p1", { timeoutMs: 50 }));
    await vi.advanceTimersByTimeAsync(50);
    expect(await error).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it("stops at once when the caller aborts, without retrying", async () => {
    const { client, fetch } = fakeClient(hang);
    const controller = new AbortController();
    const error = catchError(client.projects.get("p1", { signal: controller.signal }));
    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    controller.abort();
    expect(await error).toBeInstanceOf(APIUserAbortError);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("stops waiting between retries when the caller aborts", async () => {
    useFakeTime();
    const { client, fetch } = fakeClient(() => json(503, { error: "down" }));
    const controller = new AbortController();
    const error = catchError(client.projects.get("p1", { signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    expect(await error).toBeInstanceOf(APIUserAbortError);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("does not send a request whose signal has already aborted", async () => {
    const { client } = fakeClient(hang);
    expect(await catchError(client.projects.get("p1", { signal: AbortSignal.abort() }))).toBeInstanceOf(
      APIUserAbortError,
    );
  });
});
