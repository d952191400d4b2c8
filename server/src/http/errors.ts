import type { MessageKey, MessageParams } from "../i18n/index.js";

/** One broken rule in a request: where, which field, which rule, and a readable message. */
export interface ErrorDetail {
  location: "path" | "query" | "body" | "header";
  field: string;
  rule: string;
  message: string;
  index?: number;
}

/** A detail before localization: its message is a key plus parameters. */
export interface PendingDetail extends Omit<ErrorDetail, "message"> {
  messageKey: MessageKey;
  params: MessageParams;
}

/**
 * An error a user can cause or see, with its HTTP status and stable `code`. The message is a catalogue key so
 * it can be rendered in the caller's language; `surface` decides the body shape ({error} or {detail}).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messageKey: MessageKey,
    readonly params: MessageParams = {},
    readonly options: {
      details?: PendingDetail[];
      errorCount?: number;
      headers?: Record<string, string>;
      /** Fields the contract adds to this error's body (e.g. the provider's answer to a failed integration test). */
      extra?: Record<string, unknown>;
    } = {},
  ) {
    super(`${code}: ${messageKey}`);
    this.name = "ApiError";
  }
}

export const notFound = (resource: string, id: string) =>
  new ApiError(404, "not_found", "not_found", { resource, id });

export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: "database" | "redis",
    cause?: unknown,
  ) {
    super(`${dependency} unavailable`, { cause });
    this.name = "DependencyUnavailableError";
  }
}
