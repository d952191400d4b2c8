/** English messages: the reference catalogue. Every key here must exist in every other language. */
export const en = {
  // Request problems
  validation_failed: "The request is invalid: {summary}",
  invalid_json:
    "The request body is not valid JSON ({reason}). Check the JSON syntax and send Content-Type: application/json.",
  payload_too_large:
    "The request body is larger than the limit of {limit} bytes. Send less per request (ingest takes at most 10,000 records per call).",
  unsupported_media_type: "Content-Type {type} is not accepted here; send {expected}.",
  invalid_body_encoding:
    "The request body cannot be decoded ({reason}). Send UTF-8 JSON, uncompressed or with Content-Encoding gzip, deflate or br.",
  invalid_body:
    "The request body cannot be read ({reason}). Send the whole body, as long as its Content-Length.",
  too_deeply_nested:
    "{field} is nested more than {limit} levels deep. Flatten it: no request needs that much nesting.",
  invalid_data:
    "A value in the request cannot be stored ({reason}). Check the text and numbers you sent for characters or ranges out of place.",
  route_not_found: "There is no route {method} {path}. See the API reference for the available endpoints.",
  not_found: "{resource} {id} was not found.",
  not_implemented: "{operation} is part of the API but this server version does not implement it yet.",
  // Authentication and limits
  unauthorized: "Sign in first: {operation} needs a session cookie (better-auth.session_token).",
  metrics_token_invalid:
    "GET /metrics needs the bearer token this server was configured with (METRICS_TOKEN): send Authorization: Bearer <token>.",
  metrics_not_configured:
    "Metrics are off on this server: set METRICS_TOKEN (at least 16 characters) to serve GET /metrics.",
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
  origin_not_trusted:
    "This request changes something with a session cookie but comes from {origin}, which this server does not trust. Send it from {publicOrigin} (PUBLIC_URL), or add its origin to TRUSTED_ORIGINS; scripts can use an API key instead.",
  origin_missing:
    "This request changes something with a session cookie but does not say where it comes from (no Origin header). Send Origin: {publicOrigin}, or an origin listed in TRUSTED_ORIGINS; scripts can use an API key instead.",
  "auth.invalid_email_or_password":
    "The email or the password is wrong (we do not say which). Check both, or sign up if you have no account yet.",
  "auth.user_already_exists":
    "An account with this email already exists: sign in instead, or use another email.",
  "auth.invalid_email": "The email address is not valid: send an address like ada@example.com.",
  "auth.password_too_short": "The password is too short: use at least 8 characters.",
  "auth.password_too_long": "The password is too long: use at most 128 characters.",
  "auth.validation_failed": "The request is invalid: {reason}. Send name, email and password as JSON.",
  "auth.too_many_sign_in_attempts":
    "Too many sign-in attempts for this account: try again in {retryAfter} s. If you forgot the password, ask an owner of your organization for help.",
  "auth.too_many_requests": "Too many attempts from your address: try again in {retryAfter} s.",
  auth_rejected: "The request was refused: {reason}",
  // Ingestion: files and API batches
  "ingest.mapping_unknown_field":
    'The mapping names "{field}", which is not one of our fields; use one of: {fields}.',
  "ingest.mapping_column_missing":
    'The mapping sends {field} to the column "{column}", but the file has no such column. Its columns are: {available}.',
  "ingest.column_missing":
    "No column for {field} was found among the file's columns ({available}). Name it one of {synonyms}, or map {field} to your column.",
  "ingest.amount_column_missing":
    "No column for {field} was found, nor quantity and unit_price columns to compute it, among the file's columns ({available}). Add one, or map amount (or quantity and unit_price) to your columns.",
  "ingest.duplicate_column":
    'The header names two columns "{column}" (columns {first} and {second}); give each column its own name.',
  "ingest.column_count":
    "This line has {found} values but the header has {expected} columns; check the delimiter, and put values that contain it in double quotes.",
  "ingest.value_required": "{field} is empty, but a {kind} record needs it; fill it in.",
  "ingest.amount_required":
    "{field} is empty; a purchase needs an amount, or both a quantity and a unit_price to multiply. Fill in one of them.",
  "ingest.date_invalid":
    '{field} is not a date we understand: "{value}" (use ISO 8601, e.g. 2026-05-01 or 2026-05-01T14:03:00Z).',
  "ingest.date_impossible":
    '{field} is not a real date or time: "{value}"; check the day, the month and their order.',
  "ingest.date_out_of_range":
    '{field} is in the year {year} ("{value}"); dates must be between 1900 and 2100, so check the value and its format.',
  "ingest.number_invalid":
    '{field} is not a number we understand: "{value}" (write digits with a dot or comma for decimals, e.g. 1234.50 or 1.234,50, without a currency sign).',
  "ingest.value_not_allowed": '{field} is "{value}"; use one of: {values}.',
  "ingest.currency_invalid":
    '{field} is "{value}"; use a three-letter ISO 4217 code such as USD, EUR or TRY, or leave it empty for the project\'s currency.',
  "ingest.file_empty":
    "The file has no rows: it needs a header row with column names, then one row per order.",
  "ingest.csv_delimiter_invalid":
    "{delimiter} cannot separate CSV columns; use a single character other than a double quote or a line break, e.g. , ; | or a tab.",
  "ingest.csv_quote_not_closed":
    "The quoted value that starts on line {line} is never closed; add the closing double quote.",
  "ingest.csv_quote_misplaced":
    'Line {line} has a double quote inside an unquoted value, or text right after a closing quote; put the whole value in double quotes and double each quote inside it ("").',
  "ingest.csv_record_too_large":
    "The row that starts on line {line} is longer than {limit} bytes; usually a double quote on that line is never closed.",
  "ingest.xlsx_unreadable":
    "The file cannot be read as an XLSX workbook ({reason}); save it again as .xlsx, or export it as CSV.",
  // Jobs, ingestion and idempotency
  progress_expired:
    "There is no live progress for job {id} any more (it is kept for about an hour). Read its persisted record at GET /api/engine/jobs/{id}/status.",
  run_progress_expired:
    "There is no live progress for run {id} any more (it is kept for about an hour). Read the run at GET /api/engine/runs/{id}.",
  run_closed:
    "Run {id} is closed: its final batch has arrived. Send this batch without run_id to start a new run.",
  idempotency_mismatch:
    "This Idempotency-Key was already used with a different request in the last 24 hours. Use a new key for a new request.",
  idempotency_in_progress:
    "A request with this Idempotency-Key is still running. Retry in a moment to get its result.",
  quota_profiles:
    "This data would create {incoming} new customer profiles, taking the organization past the {plan} plan's {limit} ({used} exist or are being ingested), so nothing was stored. Upgrade the plan or send data for existing customers.",
  billing_not_configured:
    "Paid plans are not available on this server: Stripe is not configured. Set {variables} (see the README's Environment table); the free plan and usage work without them.",
  billing_price_missing:
    "The {plan} plan billed per {interval} has no Stripe price on this server. Set {variable} to its Stripe price id.",
  already_subscribed:
    "The organization already has a {status} {plan} subscription. Change or cancel it in the billing portal (POST /api/organizations/{orgId}/billing-portal).",
  already_on_free: "The organization is already on the free plan; nothing changed.",
  no_paid_subscription:
    "The organization has no paid subscription to {action}; it is on the {plan} plan. Start one with POST /api/organizations/{orgId}/checkout.",
  stripe_signature_invalid:
    "The Stripe-Signature header does not verify against the raw body with this endpoint's secret: {reason}. Check STRIPE_WEBHOOK_SECRET.",
  stripe_refused: "Stripe refused the request: {reason}.",
  quota_rows:
    "This batch of {incoming} rows would take the organization past the {plan} plan's {limit} rows ({used} used). Upgrade the plan or delete old files.",
  quota_storage:
    "The organization has used {used} GB of the {plan} plan's {limit} GB of storage and this file does not fit. Upgrade the plan or delete old files.",
  quota_model_runs:
    "The {plan} plan includes {limit} model runs per billing period and {used} have run since {since}. Upgrade the plan or wait until {resetsAt}.",
  cursor_invalid: "starting_after is not usable: {reason}.",
  filter_invalid: "The filter is invalid at {path}: {reason}.",
  segment_name_taken: "A segment named {name} already exists in this project; choose another name.",
  segment_base_invalid:
    "base_segment_id {id} is not a cluster segment of this project: a hybrid segment starts from one of the project's cluster segments.",
  segment_cluster_rules:
    "{name} cannot take rules or combine: cluster segments come from the model, and combine applies to hybrid segments only. Create a hybrid segment on it instead.",
  integration_url_blocked:
    "config.{field} cannot be used: {reason}. Webhooks must point at a public address.",
  integration_not_webhook: "Only custom_webhook integrations have a signing secret; this one is {channel}.",
  integration_test_failed:
    "The provider refused the test call: {reason}. Check the credentials and settings.",
  automation_reference: "{field} {id} is not a segment or integration of this project.",
  automation_placeholder:
    "{field} uses unknown placeholders: {names}. Use customer fields like {{customer_id}} or {{extra_features.country}}.",
  automation_cron_invalid:
    'trigger.cron is not a valid schedule: {reason} (e.g. "0 9 * * 1" = Mondays at 09:00 UTC).',
  quota_automations:
    "The {plan} plan allows {limit} active automations and all are in use. Pause one or upgrade the plan.",
  delivery_not_redeliverable: "Only failed or dead deliveries can be sent again; this one is {status}.",
  ingest_invalid_records:
    "{count} of the {total} records are invalid, so nothing was stored. Fix them (the first problems are listed in details) and send the batch again.",
  upload_malformed:
    "The upload cannot be read as multipart/form-data ({reason}); send the file in a form field named file.",
  upload_not_multipart:
    'Upload the file as multipart/form-data, in a part named "file" (got Content-Type {type}).',
  upload_missing_file: 'The upload has no file: send it as a multipart part named "file".',
  upload_invalid_rows:
    "{count} of the {total} rows of {file} are invalid (the first are listed in details with their line numbers). Fix them, or send skipInvalidRows=true to skip and count them.",
  upload_empty: "{file} has no data rows below its header.",
  upload_unmapped_columns:
    'The columns of {file} cannot be read as transactions (see details). Rename the columns or send a mapping such as {"customer_id":"CustomerID"}.',
  upload_bad_mapping: "mapping must be a JSON object from our field names to your column names ({reason}).",
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
  "rule.noNul": "{field} contains a NUL character (\\u0000); remove it.",
  "rule.maxDepth": "{field} is nested more than {limit} levels deep.",
} as const;

export type MessageKey = keyof typeof en;
