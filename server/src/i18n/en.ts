/** English messages: the reference catalogue. Every key here must exist in every other language. */
export const en = {
  // Request problems
  validation_failed: "The request is invalid: {summary}",
  invalid_json:
    "The request body is not valid JSON ({reason}). Check the JSON syntax and send Content-Type: application/json.",
  payload_too_large:
    "The request body is larger than the limit of {limit} bytes. Send less per request (ingest takes at most 10,000 records per call).",
  unsupported_media_type: "Content-Type {type} is not accepted here; send {expected}.",
  route_not_found: "There is no route {method} {path}. See the API reference for the available endpoints.",
  not_found: "{resource} {id} was not found.",
  not_implemented: "{operation} is part of the API but this server version does not implement it yet.",
  // Authentication and limits
  unauthorized: "Sign in first: {operation} needs a session cookie (better-auth.session_token).",
  rate_limited:
    "Too many requests: the limit is {limit} requests per {windowMinutes} minutes. Retry in {retryAfter} s.",
  contact_rate_limited:
    "Too many messages from your address: at most {limit} per {windowMinutes} minutes. Retry in {retryAfter} s.",
  // Our side
  internal_error:
    "Something went wrong on our side. Retry later; if it persists, contact support with request id {requestId}.",
  dependency_unavailable: "The {dependency} is unavailable right now. Retry in a few seconds.",
  response_contract_violation:
    "The server produced a response that does not match the API contract: {summary}",
  // Validation details, one per JSON Schema rule
  "rule.required": "{field} is required.",
  "rule.type": "{field} must be of type {type}.",
  "rule.minLength": "{field} must be at least {limit} characters long.",
  "rule.maxLength": "{field} must be at most {limit} characters long.",
  "rule.minimum": "{field} must be >= {limit}.",
  "rule.maximum": "{field} must be <= {limit}.",
  "rule.exclusiveMinimum": "{field} must be > {limit}.",
  "rule.exclusiveMaximum": "{field} must be < {limit}.",
  "rule.minItems": "{field} must have at least {limit} items.",
  "rule.maxItems": "{field} must have at most {limit} items.",
  "rule.pattern": "{field} must match the pattern {pattern}.",
  "rule.format": "{field} must be a valid {format}.",
  "rule.enum": "{field} must be one of: {values}.",
  "rule.const": "{field} must be {value}.",
  "rule.additionalProperties": "{field} is not a known field; remove it.",
  "rule.oneOf": "{field} does not match exactly one of the allowed shapes.",
  "rule.anyOf": "{field} does not match any of the allowed shapes.",
  "rule.other": "{field} is invalid ({rule}).",
} as const;

export type MessageKey = keyof typeof en;
