import type { ErrorKind } from "../domain/errors.js";

/** The one place an error's kind becomes an HTTP status. */
export const STATUS_OF: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  quota_exceeded: 429,
  rate_limited: 429,
  internal: 500,
  not_implemented: 501,
  not_configured: 503,
  unavailable: 503,
};
