import type { components } from "../generated/schema.js";
import { parseRateLimit, serverWaitMs } from "../internal/headers.js";
import type { Schema } from "../types.js";

export type ErrorDetail = components["schemas"]["ErrorDetail"];

export interface ErrorFields {
  /** HTTP status, when the server answered. */
  status?: number | undefined;
  /** The server's stable machine-readable code (`validation_failed`, `quota_exceeded`, ...). */
  code?: string | undefined;
  /** The request's id (`requestId` in the body or the `X-Request-Id` header): quote it to support. */
  requestId?: string | undefined;
  headers?: Headers | undefined;
  /** For validation errors: each broken rule (possibly truncated; `errorCount` has the total). */
  details?: ErrorDetail[] | undefined;
  errorCount?: number | undefined;
  /** The Idempotency-Key the request was sent with: retry with the same key to do the work at most once. */
  idempotencyKey?: string | undefined;
  /** The parsed error body as the server sent it. */
  body?: unknown;
  /** The server's own message (localized by `Accept-Language`), without status, code and request id. */
  detail?: string | undefined;
  cause?: unknown;
}

/** The base of every error the SDK throws. */
export class SegmentoError extends Error {
  override name = "SegmentoError";
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly headers: Headers | undefined;
  readonly details: ErrorDetail[] | undefined;
  readonly errorCount: number | undefined;
  readonly idempotencyKey: string | undefined;
  readonly body: unknown;
  /** The server's own message (localized by `Accept-Language`); `message` adds status, code and request id. */
  readonly detail: string;

  constructor(message: string, fields: ErrorFields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.status = fields.status;
    this.code = fields.code;
    this.requestId = fields.requestId;
    this.headers = fields.headers;
    this.details = fields.details;
    this.errorCount = fields.errorCount;
    this.idempotencyKey = fields.idempotencyKey;
    this.body = fields.body;
    this.detail = fields.detail ?? message;
  }

  /** Node's `console.log` / `util.inspect`: the stack and the fields that matter, not the headers and body. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    const fields = {
      status: this.status,
      code: this.code,
      requestId: this.requestId,
      idempotencyKey: this.idempotencyKey,
      details: this.details,
    };
    const shown = Object.entries(fields).filter(([, value]) => value !== undefined);
    const head = this.stack ?? `${this.name}: ${this.message}`;
    return shown.length === 0 ? head : `${head} ${JSON.stringify(Object.fromEntries(shown))}`;
  }
}

// Names are set explicitly: bundlers minify class names.
export class BadRequestError extends SegmentoError {
  override name = "BadRequestError";
}
export class AuthenticationError extends SegmentoError {
  override name = "AuthenticationError";
}
export class PermissionDeniedError extends SegmentoError {
  override name = "PermissionDeniedError";
}
export class NotFoundError extends SegmentoError {
  override name = "NotFoundError";
}
export class ConflictError extends SegmentoError {
  override name = "ConflictError";
}
export class UnprocessableEntityError extends SegmentoError {
  override name = "UnprocessableEntityError";
}
export class InternalServerError extends SegmentoError {
  override name = "InternalServerError";
}
/** A plan quota is used up (429 `quota_exceeded`): retrying will not help until the plan changes. */
export class QuotaExceededError extends SegmentoError {
  override name = "QuotaExceededError";
}

/** The transport rate limit (429 `rate_limited`), after the retries, or when the wait is over `maxRetryWaitMs`. */
export class RateLimitError extends SegmentoError {
  override name = "RateLimitError";
  /** How long the server asked to wait, in ms. */
  readonly retryAfterMs: number | undefined;
  /** When the rate-limit window resets. */
  readonly resetAt: Date | undefined;

  constructor(message: string, fields: ErrorFields & { retryAfterMs?: number; resetAt?: Date | undefined }) {
    super(message, fields);
    this.retryAfterMs = fields.retryAfterMs;
    this.resetAt = fields.resetAt;
  }
}

/** No response: DNS, refused or reset connection, TLS, CORS. */
export class APIConnectionError extends SegmentoError {
  override name = "APIConnectionError";
}
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = "APIConnectionTimeoutError";
}
/** The caller's AbortSignal fired. */
export class APIUserAbortError extends SegmentoError {
  override name = "APIUserAbortError";
  constructor(message = "The request was aborted", fields?: ErrorFields) {
    super(message, fields);
  }
}

/** `jobs.wait()` saw the job fail; `job` is its final status and the message its `error_message`. */
export class JobFailedError extends SegmentoError {
  override name = "JobFailedError";
  readonly job: Schema<"JobStatus">;

  constructor(job: Schema<"JobStatus">) {
    super(job.error_message ?? `Job ${String(job.job_id)} failed`, { code: "job_failed" });
    this.job = job;
  }
}

/** A webhook that does not verify; the message says which check failed. */
export class WebhookVerificationError extends SegmentoError {
  override name = "WebhookVerificationError";
}

const byStatus: Record<number, typeof SegmentoError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
};

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** The typed error for an error response; `body` is its parsed JSON (or text). */
export function errorFromResponse(
  response: Response,
  body: unknown,
  idempotencyKey: string | undefined,
  now = Date.now(),
): SegmentoError {
  const fields = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const { status, headers } = response;
  // Gateway errors say `error`, engine errors `detail`, better-auth `message`.
  const detail =
    text(fields.error) ??
    text(fields.detail) ??
    text(fields.message) ??
    (text(body) || `${response.statusText}`.trim() || "error");
  const init: ErrorFields = {
    status,
    code: text(fields.code),
    requestId: text(fields.requestId) ?? headers.get("x-request-id") ?? undefined,
    headers,
    details: Array.isArray(fields.details) ? (fields.details as ErrorDetail[]) : undefined,
    errorCount: typeof fields.errorCount === "number" ? fields.errorCount : undefined,
    idempotencyKey,
    body,
    detail,
  };
  // `404 not_found: Project not found (request id req_1)`: what a log line or a support ticket needs.
  const message = `${status}${init.code ? ` ${init.code}` : ""}: ${detail}${init.requestId ? ` (request id ${init.requestId})` : ""}`;
  if (status === 429) {
    if (init.code === "quota_exceeded") return new QuotaExceededError(message, init);
    const retryAfterMs = serverWaitMs(headers, status, now);
    const resetAt =
      parseRateLimit(headers, now)?.resetAt ??
      (retryAfterMs === undefined ? undefined : new Date(now + retryAfterMs));
    return new RateLimitError(message, { ...init, retryAfterMs, resetAt });
  }
  const ErrorClass = status >= 500 ? InternalServerError : (byStatus[status] ?? SegmentoError);
  return new ErrorClass(message, init);
}
