import { APIConnectionError, APIUserAbortError } from "../core/errors.js";
import { sleep } from "./runtime.js";

/** One dispatched Server-Sent Event. */
export interface ServerSentEvent {
  event: string;
  data: string;
  /** The last event id seen on the stream so far (ids carry over to later events, as in EventSource). */
  id: string | undefined;
}

/** Fields that change the connection rather than carry an event. */
export interface StreamControl {
  /** The server's reconnection delay (`retry:`), in ms. */
  retry?: number;
}

/**
 * Decodes a `text/event-stream` body by the WHATWG rules: lines end with CRLF, LF or CR; `:` starts a comment;
 * a blank line dispatches the event; `data:` lines join with "\n"; `id:` persists; `retry:` takes digits only.
 * Cancels the body when the consumer stops early or the signal aborts (not every fetch ties the body to it).
 */
export async function* decodeServerSentEvents(
  body: ReadableStream<Uint8Array>,
  control: StreamControl = {},
  signal?: AbortSignal,
): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  signal?.addEventListener("abort", cancel, { once: true });
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  let id: string | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      let text = buffer + (done ? decoder.decode() : decoder.decode(value, { stream: true }));
      // A CR at the very end may be the first half of a CRLF split across chunks: hold it for the next one.
      const heldCR = !done && text.endsWith("\r");
      if (heldCR) text = text.slice(0, -1);
      const lines = text.split(/\r\n|\r|\n/);
      // The last piece is an unfinished line (at the end of the stream, an unterminated one: discarded).
      const rest = lines.pop() ?? "";
      buffer = heldCR ? `${rest}\r` : rest;
      for (const line of lines) {
        if (line === "") {
          if (data.length > 0) yield { event: event || "message", data: data.join("\n"), id };
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const raw = colon === -1 ? "" : line.slice(colon + 1);
        const fieldValue = raw.startsWith(" ") ? raw.slice(1) : raw;
        if (field === "event") event = fieldValue;
        else if (field === "data") data.push(fieldValue);
        else if (field === "id" && !fieldValue.includes("\0")) id = fieldValue;
        else if (field === "retry" && /^\d+$/.test(fieldValue)) control.retry = Number(fieldValue);
      }
      if (done) return;
    }
  } finally {
    signal?.removeEventListener("abort", cancel);
    await reader.cancel().catch(() => {});
  }
}

/** Options of `followEventStream`. */
export interface FollowOptions {
  signal: AbortSignal;
  /** Resume after this event id. */
  lastEventId?: string | undefined;
  /** Reconnection attempts in a row without a new event before giving up. Default 5. */
  maxReconnects?: number | undefined;
}

/**
 * Follows a resumable event stream: `open` answers its body, resuming after the last event id seen; a dropped
 * stream is opened again after the server's `retry:` delay, doubling on repeated drops, and given up with an
 * APIConnectionError after `maxReconnects` drops in a row without a new event. Errors of `open` (a 404, say) reach
 * the caller, which decides what follows the stream; so does the end, which the caller signals by returning.
 */
export async function* followEventStream(
  name: string,
  open: (lastEventId: string | undefined) => Promise<ReadableStream<Uint8Array>>,
  { signal, lastEventId, maxReconnects = 5 }: FollowOptions,
): AsyncGenerator<ServerSentEvent> {
  const control: StreamControl = { retry: 1000 };
  let drops = 0;
  for (;;) {
    const body = await open(lastEventId);
    try {
      for await (const event of decodeServerSentEvents(body, control, signal)) {
        lastEventId = event.id ?? lastEventId;
        drops = 0;
        yield event;
      }
    } catch {
      // A drop: reconnect below.
    }
    if (signal.aborted) throw new APIUserAbortError();
    if (++drops > maxReconnects) {
      throw new APIConnectionError(`The progress stream of ${name} dropped ${drops} times in a row`);
    }
    await sleep(Math.min(30_000, (control.retry ?? 1000) * 2 ** (drops - 1)), signal);
  }
}

/** The request of an event stream, resuming after `lastEventId` when there is one. */
export function eventStreamInit<P>(path: P, lastEventId: string | undefined) {
  return {
    params: { path, header: lastEventId === undefined ? {} : { "Last-Event-ID": lastEventId } },
    headers: { Accept: "text/event-stream" },
    parseAs: "stream" as const,
  };
}
