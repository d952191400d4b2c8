import { APIConnectionTimeoutError, APIUserAbortError, SegmentoError } from "../core/errors.js";

/** A page in a browser (not Deno, which has `window` but no `document`, nor a worker). */
export const isBrowser = (): boolean => "window" in globalThis && "document" in globalThis;

/** WebCrypto, on `globalThis` in every supported runtime (Node 20+, Deno, Bun, workerd, browsers). */
export function webCrypto(): Crypto {
  const crypto = globalThis.crypto as Crypto | undefined;
  if (!crypto?.subtle) {
    throw new SegmentoError(
      "WebCrypto (globalThis.crypto.subtle) is missing: run Node 20+, or set globalThis.crypto to Node's crypto.webcrypto.",
    );
  }
  return crypto;
}

/** A v4 UUID. Idempotency keys need to be unique, not secret, so Math.random stands in where WebCrypto is missing. */
export const uuid = (): string =>
  globalThis.crypto?.randomUUID?.() ??
  "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
    (Number(c) ^ ((Math.random() * 16) >> (Number(c) / 4))).toString(16),
  );

export const utf8 = (text: string) => new TextEncoder().encode(text);

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await webCrypto().subtle.digest("SHA-256", utf8(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Resolves after `ms`; rejects with APIUserAbortError as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** An AbortController that also aborts when any of the given signals does (AbortSignal.any is Node >= 20.3). */
export function linkedController(...signals: (AbortSignal | null | undefined)[]): AbortController {
  const controller = new AbortController();
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => controller.abort(signal.reason), {
      once: true,
      signal: controller.signal,
    });
  }
  return controller;
}

interface EnvHost {
  process?: { env?: Record<string, string | undefined> };
  Deno?: { env?: { get?(name: string): string | undefined } };
}

/**
 * An environment variable where the runtime has them (Node, Bun, Deno with --allow-env); never in a browser,
 * where a bundler's shim of the process environment must not leak a server key into a page. Empty counts as unset.
 */
export function readEnv(name: string): string | undefined {
  if (isBrowser()) return undefined;
  const host = globalThis as EnvHost;
  try {
    return host.process?.env?.[name]?.trim() || host.Deno?.env?.get?.(name)?.trim() || undefined;
  } catch {
    // Deno without --allow-env throws: no environment, then.
    return undefined;
  }
}

/**
 * Runs `task` with a signal that aborts with the caller's or after `timeoutMs` (none when undefined); a timeout
 * throws APIConnectionTimeoutError saying that `what` did not finish in time.
 */
export async function withDeadline<T>(
  signal: AbortSignal | undefined,
  timeoutMs: number | undefined,
  what: string,
  task: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = linkedController(signal);
  let timedOut = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs);
  try {
    return await task(controller.signal);
  } catch (error) {
    if (timedOut && error instanceof APIUserAbortError) {
      throw new APIConnectionTimeoutError(`${what} did not finish within ${timeoutMs} ms`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
