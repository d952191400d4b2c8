import type { MessageKey, MessageParams } from "../i18n/index.js";

/**
 * What went wrong, in the product's terms. Only http/ turns a kind into a status code, a body and a language;
 * everything below it (domain, ingest, billing, jobs) raises these and knows nothing of HTTP.
 */
export type ErrorKind =
  | "invalid" // the input breaks a rule (400)
  | "unauthenticated" // no or bad credentials (401)
  | "forbidden" // known caller, not allowed (403)
  | "not_found" // absent, or not the caller's to see (404)
  | "conflict" // the current state forbids it (409)
  | "too_large" // a body or file over its limit (413)
  | "unsupported_media_type" // (415)
  | "unprocessable" // a third party refused (422)
  | "quota_exceeded" // the plan's limit is reached (429, never retried)
  | "rate_limited" // too many requests for now (429, retry later)
  | "not_configured" // a feature the operator has not set up (503)
  | "unavailable" // a dependency is down (503)
  | "internal" // a bug on our side (500)
  | "not_implemented"; // (501)

/** One broken rule in an input: where, which field, which rule. */
export interface ErrorDetail {
  location: "path" | "query" | "body" | "header";
  field: string;
  rule: string;
  message: string;
  index?: number;
}

/** A detail before localization: its message is a catalogue key plus parameters. */
export interface PendingDetail extends Omit<ErrorDetail, "message"> {
  messageKey: MessageKey;
  params: MessageParams;
}

export interface DomainErrorOptions {
  details?: PendingDetail[];
  errorCount?: number;
  /** Seconds after which trying again may succeed (rate limits, dependencies). */
  retryAfterSeconds?: number;
  /** Fields the contract adds to this error's body (the provider's answer, the quota's figures). */
  extra?: Record<string, unknown>;
}

/**
 * An error a user can cause or see, with a stable `code` and a message key so it can be rendered in the
 * caller's language.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    readonly messageKey: MessageKey,
    readonly params: MessageParams = {},
    readonly options: DomainErrorOptions = {},
  ) {
    super(`${code}: ${messageKey}`);
    this.name = "DomainError";
  }
}

export const notFound = (resource: string, id: string) =>
  new DomainError("not_found", "not_found", "not_found", { resource, id });
