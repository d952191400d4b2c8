import { vi } from "vitest";
import { type ClientOptions, Segmento } from "../src/index.js";

export type Handler = (request: Request, attempt: number) => Response | Promise<Response>;

/** A fetch double: records each request (with its signal applied) and answers with `handler`. */
export function fakeFetch(handler: Handler) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (input: Request, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    return handler(request, requests.length);
  });
  return { fetch, requests };
}

/** A client over a fetch double, with a key so every call is authenticated. */
export function fakeClient(handler: Handler, options: ClientOptions = {}) {
  const { fetch, requests } = fakeFetch(handler);
  const client = new Segmento({
    apiKey: `sk_live_${"a".repeat(64)}`,
    baseUrl: "http://api.test",
    fetch,
    ...options,
  });
  return { client, fetch, requests };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

/** A response that never comes: rejects like fetch does when the request's signal aborts. */
export const hang = (request: Request) =>
  new Promise<Response>((_, reject) => {
    const abort = () => reject(new DOMException("This operation was aborted", "AbortError"));
    if (request.signal.aborted) abort();
    request.signal.addEventListener("abort", abort);
  });

/**
 * An SSE response of these frames. Then, by default, the stream ends; with `cut` it errors like a dropped
 * connection; with `open` it stays open (until cancelled, which `onCancel` sees).
 */
export function sse(frames: string[], { cut = false, open = false, onCancel = () => {} } = {}) {
  const encoder = new TextEncoder();
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const frame = frames[next++];
      if (frame !== undefined) controller.enqueue(encoder.encode(frame));
      else if (cut) controller.error(new TypeError("terminated"));
      else if (!open) controller.close();
    },
    cancel: () => onCancel(),
  });
  return new Response(body, { status: 200, headers: { "content-type": "text/event-stream" } });
}

export const progressFrame = (id: number, status: string, pct: number) =>
  `event: progress\nid: ${id}\ndata: ${JSON.stringify({ job_id: "job-1", status, pct, message: `${pct}%` })}\n\n`;

/** Fakes the timers the SDK sleeps on (and Date, for HTTP-date headers), not the ones streams use. */
export const useFakeTime = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
