/** The server's rate-limit window as last seen: how many requests it allows, how many are left, when it resets. */
export interface RateLimitState {
  limit: number | undefined;
  remaining: number | undefined;
  resetAt: Date | undefined;
}

const number = (value: string | null | undefined): number | undefined => {
  if (value == null || value.trim() === "") return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
};

/** `a=1, b=2` or `"name";r=1;t=2, "other";r=3` -> one map of parameters per comma-separated item. */
const structuredItems = (value: string): Map<string, string>[] =>
  value.split(",").map(
    (item) =>
      new Map(
        item
          .split(";")
          .map((part) => part.trim().split("="))
          .filter((pair): pair is [string, string] => pair.length === 2)
          .map(([key, val]) => [key.trim().toLowerCase(), val.trim()]),
      ),
  );

/**
 * Reads the IETF RateLimit headers in any of the three shapes servers send:
 * draft 6 (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` in seconds),
 * draft 7 (`RateLimit: limit=100, remaining=50, reset=5`) and
 * draft 8 (`RateLimit: "default";r=50;t=5` with the limit in `RateLimit-Policy: "default";q=100;w=60`).
 * With several draft-8 policies the one with the fewest requests left is the one that binds.
 */
export function parseRateLimit(headers: Headers, now = Date.now()): RateLimitState | undefined {
  let limit = number(headers.get("ratelimit-limit"));
  let remaining = number(headers.get("ratelimit-remaining"));
  let reset = number(headers.get("ratelimit-reset"));
  const combined = headers.get("ratelimit");
  if (combined) {
    const items = structuredItems(combined);
    const policies = items.filter((item) => item.has("r"));
    if (policies.length > 0) {
      const binding = policies.reduce((a, b) =>
        (number(b.get("r")) ?? 0) < (number(a.get("r")) ?? 0) ? b : a,
      );
      remaining = number(binding.get("r"));
      reset = number(binding.get("t"));
      const policy = structuredItems(headers.get("ratelimit-policy") ?? "").find((item) => item.has("q"));
      limit = number(policy?.get("q")) ?? limit;
    } else {
      const merged = new Map(items.flatMap((item) => [...item]));
      limit = number(merged.get("limit")) ?? limit;
      remaining = number(merged.get("remaining")) ?? remaining;
      reset = number(merged.get("reset")) ?? reset;
    }
  }
  if (limit === undefined && remaining === undefined && reset === undefined) return undefined;
  return { limit, remaining, resetAt: reset === undefined ? undefined : new Date(now + reset * 1000) };
}

/**
 * How long the server asks us to wait, in ms: `retry-after-ms`, then `Retry-After` (seconds or an HTTP date),
 * then the RateLimit reset — but the reset only when the window is used up (a 429 or nothing remaining), since
 * every response carries it and on a 500 it says nothing about when to retry.
 */
export function serverWaitMs(headers: Headers, status: number, now = Date.now()): number | undefined {
  const ms = number(headers.get("retry-after-ms"));
  if (ms !== undefined && ms >= 0) return ms;
  const retryAfter = headers.get("retry-after");
  if (retryAfter) {
    const seconds = number(retryAfter);
    if (seconds !== undefined) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const window = parseRateLimit(headers, now);
  if (window?.resetAt && (status === 429 || window.remaining === 0)) {
    return Math.max(0, window.resetAt.getTime() - now);
  }
  return undefined;
}
