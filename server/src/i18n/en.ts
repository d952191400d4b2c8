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
  // Identity and tenancy
  forbidden_role: "{action} needs the owner or admin role in this organization; your role is {role}.",
  owner_only: "Only an owner can give or take the owner role.",
  last_owner: "{name} is the organization's last owner: make another member an owner first.",
  slug_taken: "The slug {slug} is already taken; choose another.",
  already_member: "{email} is already a member of this organization.",
  invitation_pending: "{email} already has a pending invitation to this organization.",
  invitation_wrong_user:
    "This invitation was sent to another email address: sign in as the invited user to accept it.",
  invitation_not_pending: "This invitation is {status}; ask an owner or admin for a new one.",
  invitation_expired: "This invitation expired at {expiredAt}; ask an owner or admin for a new one.",
  seats_exhausted:
    "The {plan} plan includes {limit} team seats and all are taken (members and pending invitations). Upgrade the plan or remove a member.",
  expires_in_past: "expiresAt must be in the future (got {expiresAt}).",
  project_mismatch: "Forbidden: API key does not belong to this project",
  api_key_missing:
    "This endpoint needs an API key: send Authorization: Bearer sk_live_... (create one under the project's API keys).",
  api_key_malformed:
    "The Authorization header is not a Segmento API key: expected Bearer sk_live_ followed by 64 lowercase hex characters.",
  api_key_unknown:
    "This API key is not valid (it may have been deleted). Create a new one under the project's API keys.",
  api_key_disabled: "The API key {prefix}... is disabled. Enable it again or use another key.",
  api_key_expired: "The API key {prefix}... expired at {expiredAt}. Create a new key.",
  auth_rejected: "The request was refused: {reason}",
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
