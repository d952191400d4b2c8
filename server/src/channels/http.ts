import { type RequestInit as UndiciRequestInit, fetch as undiciFetch } from "undici";
import type { ChannelName, DeliveryResult, SendOptions } from "./types.js";

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
const STORED_RESPONSE_CHARS = 2048;
const REDACTED = "[REDACTED]";

export interface ProviderCall {
  method: "GET" | "POST" | "PUT";
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent form-encoded. */
  form?: Record<string, string>;
  /** Sent as is (with its content-type in headers), when the exact bytes matter, e.g. when signed. */
  body?: string;
  /**
   * Values that must never appear in a reason or a stored answer: keys, tokens, webhook URLs. The
   * Authorization header (and its credentials part) is always added.
   */
  secrets?: readonly string[];
  /** The provider's own error message, read from its parsed JSON error body. */
  errorMessage?: (body: unknown) => string | undefined;
}

/** A failure decided before calling the provider (a missing sender, a customer without an email). */
export function refuse(reason: string): DeliveryResult {
  return { ok: false, providerStatus: null, providerResponse: null, retryable: false, reason };
}

export function providerBaseUrl(options: SendOptions, channel: ChannelName, production: string): string {
  return (options.baseUrls?.[channel] ?? production).replace(/\/+$/, "");
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/** The string at `key` of a JSON object, if there is one. */
export function stringAt(value: unknown, key: string): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const found = (value as Record<string, unknown>)[key];
  if (typeof found === "string" && found !== "") return found;
  if (typeof found === "number") return String(found);
  return undefined;
}

/** The messages at `errors[].<key>` (SendGrid `message`, MessageBird `description`), joined. */
export function errorsListMessage(body: unknown, key: string): string | undefined {
  const errors =
    typeof body === "object" && body !== null ? (body as { errors?: unknown }).errors : undefined;
  if (!Array.isArray(errors)) return undefined;
  const messages = errors.map((error) => stringAt(error, key)).filter((m) => m !== undefined);
  return messages.length > 0 ? messages.join("; ") : undefined;
}

/**
 * The one HTTP exchange every channel uses: a timeout covering the whole exchange, an answer read up to
 * maxResponseBytes, and the classification: 2xx ok; 429, 5xx, network errors and timeouts retryable;
 * any other status final, with the provider's own message as the reason. Secrets are redacted from
 * everything it returns, and it never throws.
 */
export async function callProvider(call: ProviderCall, options: SendOptions): Promise<DeliveryResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const secrets = secretsOf(call);
  const init: RequestInit = {
    method: call.method,
    ...encodeBody(call),
    redirect: "manual",
    signal: AbortSignal.timeout(timeoutMs),
  };
  const dispatcher = options.dispatcher;
  try {
    // undici's own fetch with its own dispatcher: the global fetch's bundled undici may be another version.
    const response = dispatcher
      ? ((await undiciFetch(call.url, { ...(init as UndiciRequestInit), dispatcher })) as unknown as Response)
      : await (options.fetch ?? fetch)(call.url, init);
    const text = await readAtMost(response, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    return classify(response, text, call, secrets, options.now?.() ?? new Date());
  } catch (error) {
    return {
      ok: false,
      providerStatus: null,
      providerResponse: null,
      retryable: true,
      reason: redact(networkReason(error, timeoutMs), secrets),
    };
  }
}

function encodeBody(call: ProviderCall): { headers: Record<string, string>; body?: string } {
  if (call.json !== undefined) {
    return {
      headers: { ...call.headers, "content-type": "application/json" },
      body: JSON.stringify(call.json),
    };
  }
  if (call.form !== undefined) {
    const body = new URLSearchParams(call.form).toString();
    return { headers: { ...call.headers, "content-type": "application/x-www-form-urlencoded" }, body };
  }
  return call.body === undefined
    ? { headers: { ...call.headers } }
    : { headers: { ...call.headers }, body: call.body };
}

function classify(
  response: Response,
  text: string,
  call: ProviderCall,
  secrets: readonly string[],
  now: Date,
): DeliveryResult {
  const status = response.status;
  const providerResponse = text === "" ? null : redact(text, secrets).slice(0, STORED_RESPONSE_CHARS);
  if (status >= 200 && status < 300) {
    return { ok: true, providerStatus: status, providerResponse, retryable: false, reason: null };
  }
  const retryable = status === 429 || status >= 500;
  const result: DeliveryResult = {
    ok: false,
    providerStatus: status,
    providerResponse,
    retryable,
    reason: redact(errorReason(status, text, call), secrets).slice(0, STORED_RESPONSE_CHARS),
  };
  const retryAfterMs = retryable ? parseRetryAfter(response.headers.get("retry-after"), now) : undefined;
  if (retryAfterMs !== undefined) result.retryAfterMs = retryAfterMs;
  return result;
}

function errorReason(status: number, text: string, call: ProviderCall): string {
  const fallback =
    status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed` : `HTTP ${status}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Slack and Teams answer in plain text, e.g. `invalid_token`.
    const plain = text.trim();
    return plain !== "" && plain.length <= 200 && !plain.startsWith("<") ? plain : fallback;
  }
  return call.errorMessage?.(body) ?? fallback;
}

/** Seconds, or an HTTP date. */
function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

async function readAtMost(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < maxBytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (size >= maxBytes) await reader.cancel().catch(() => undefined);
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, maxBytes));
}

function networkReason(error: unknown, timeoutMs: number): string {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") return `No answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  return code ? `Network error: ${code}` : "Network error";
}

function secretsOf(call: ProviderCall): string[] {
  const secrets = [...(call.secrets ?? [])];
  for (const [name, value] of Object.entries(call.headers ?? {})) {
    if (name.toLowerCase() !== "authorization") continue;
    secrets.push(value);
    const credentials = value.slice(value.indexOf(" ") + 1);
    secrets.push(credentials);
    if (value.startsWith("Basic ")) secrets.push(Buffer.from(credentials, "base64").toString());
  }
  // Longest first, so a secret containing another is replaced whole.
  return secrets.filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join(REDACTED), text);
}

/**
 * A POST to a URL the customer gave us. Slack and Teams embed their token in it, so the URL is a secret;
 * checking that it is public (ssrf.ts) is the caller's job, at save time and again before each delivery.
 */
export function postToWebhookUrl(
  webhookUrl: string,
  call: Omit<ProviderCall, "method" | "url">,
  options: SendOptions,
  { urlIsSecret }: { urlIsSecret: boolean },
): Promise<DeliveryResult> {
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    return Promise.resolve(refuse("The webhook URL is not a valid URL"));
  }
  const secrets = urlIsSecret ? [webhookUrl, url.href, url.pathname + url.search] : [];
  return callProvider(
    { ...call, method: "POST", url: url.href, secrets: [...(call.secrets ?? []), ...secrets] },
    options,
  );
}
