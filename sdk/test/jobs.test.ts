import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  type JobEvent,
  JobFailedError,
} from "../src/index.js";
import { decodeServerSentEvents, type StreamControl } from "../src/internal/sse.js";
import { fakeClient, json, progressFrame, sse, useFakeTime } from "./helpers.js";

const streamOf = (...chunks: string[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });

async function decodeAll(...chunks: string[]) {
  const control: StreamControl = {};
  const events = [];
  for await (const event of decodeServerSentEvents(streamOf(...chunks), control)) events.push(event);
  return { events, control };
}

describe("SSE decoder", () => {
  it("decodes events, ids, comments, multi-line data and retry", async () => {
    const { events, control } = await decodeAll(
      'retry: 3000\n\n: heartbeat\n\nevent: progress\nid: 1\ndata: {"a":1}\n\n',
      "data: line one\ndata: line two\n\n",
    );
    expect(control.retry).toBe(3000);
    expect(events).toEqual([
      { event: "progress", data: '{"a":1}', id: "1" },
      { event: "message", data: "line one\nline two", id: "1" },
    ]);
  });

  it("handles CRLF and CR line ends, split anywhere, even between CR and LF", async () => {
    const { events } = await decodeAll("event: a\r", "\ndata: x\r", "\n\r", "\nevent: b\rdata: y\r\r");
    expect(events).toEqual([
      { event: "a", data: "x", id: undefined },
      { event: "b", data: "y", id: undefined },
    ]);
  });

  it("splits multi-byte characters across chunks correctly", async () => {
    const bytes = new TextEncoder().encode("data: çağ\n\n");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 8));
        controller.enqueue(bytes.slice(8));
        controller.close();
      },
    });
    const events = [];
    for await (const event of decodeServerSentEvents(stream)) events.push(event);
    expect(events).toEqual([{ event: "message", data: "çağ", id: undefined }]);
  });

  it("drops an event the stream ended before dispatching, and ignores a bad retry", async () => {
    const { events, control } = await decodeAll("retry: soon\n\ndata: complete\n\ndata: cut off");
    expect(events.map((e) => e.data)).toEqual(["complete"]);
    expect(control.retry).toBeUndefined();
  });
});

const STREAM = /\/progress\/stream$/;
const STATUS = /\/status$/;

const jobStatus = (status: string, extra: Record<string, unknown> = {}) => ({
  job_id: "job-1",
  project_id: "p1",
  type: "ingest",
  status,
  pct: status === "completed" ? 100 : 50,
  message: status,
  file_id: null,
  result: null,
  error_message: null,
  attempts: 1,
  created_at: "2026-06-07T10:00:00Z",
  started_at: null,
  finished_at: null,
  updated_at: "2026-06-07T10:00:00Z",
  ...extra,
});

async function collect(events: AsyncIterable<JobEvent>) {
  const seen: string[] = [];
  for await (const event of events) seen.push(`${event.status}:${event.pct}`);
  return seen;
}

describe("jobs.watch", () => {
  beforeEach(() => useFakeTime());
  afterEach(() => vi.useRealTimers());

  it("yields progress until the job completes, then stops", async () => {
    const { client, requests } = fakeClient(() =>
      sse([
        "retry: 3000\n\n",
        progressFrame(1, "processing", 10),
        ": heartbeat\n\n",
        progressFrame(2, "completed", 100),
      ]),
    );
    expect(await collect(client.jobs.watch("job-1"))).toEqual(["processing:10", "completed:100"]);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.get("accept")).toBe("text/event-stream");
    expect(requests[0]?.headers.get("authorization")).toMatch(/^Bearer sk_live_/);
  });

  it("resumes a cut stream with Last-Event-ID after the server's retry delay, without repeating events", async () => {
    const frames = [
      progressFrame(1, "processing", 10),
      progressFrame(2, "processing", 60),
      progressFrame(3, "completed", 100),
    ];
    const { client, requests } = fakeClient((request) => {
      const after = Number(request.headers.get("last-event-id") ?? 0);
      // The first connection drops after two events; the server replays what comes after Last-Event-ID.
      return after === 0
        ? sse(["retry: 3000\n\n", ...frames.slice(0, 2)], { cut: true })
        : sse(frames.slice(after));
    });
    const seen = collect(client.jobs.watch("job-1"));
    await vi.advanceTimersByTimeAsync(2999);
    expect(requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await seen).toEqual(["processing:10", "processing:60", "completed:100"]);
    expect(requests.map((r) => r.headers.get("last-event-id"))).toEqual([null, "2"]);
  });

  it("reconnects when the stream ends without a terminal event, backing off on repeated drops", async () => {
    const { client, requests } = fakeClient((_request, attempt) =>
      attempt < 3 ? sse([]) : sse([progressFrame(1, "completed", 100)]),
    );
    const seen = collect(client.jobs.watch("job-1"));
    await vi.advanceTimersByTimeAsync(1000);
    expect(requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1999);
    expect(requests).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(await seen).toEqual(["completed:100"]);
  });

  it("gives up after maxReconnects drops in a row", async () => {
    const { client, requests } = fakeClient(() => sse([], { cut: true }));
    const result = collect(client.jobs.watch("job-1", { maxReconnects: 2 })).catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await result).toBeInstanceOf(APIConnectionError);
    expect(requests).toHaveLength(3);
  });

  it("falls back to polling /status when the stream says the progress expired", async () => {
    let polls = 0;
    const { client, requests } = fakeClient((request) => {
      if (STREAM.test(request.url)) return sse(['event: expired\ndata: {"job_id":"job-1"}\n\n']);
      polls++;
      return json(200, jobStatus(polls < 3 ? "processing" : "completed"));
    });
    const seen = collect(client.jobs.watch("job-1", { pollIntervalMs: 500 }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(await seen).toEqual(["processing:50", "completed:100"]);
    expect(requests.filter((r) => STATUS.test(r.url))).toHaveLength(3);
  });

  it("falls back to /status when the stream answers 404", async () => {
    const { client } = fakeClient((request) =>
      STREAM.test(request.url)
        ? json(404, { detail: "Progress expired", code: "not_found" })
        : json(200, jobStatus("completed")),
    );
    expect(await collect(client.jobs.watch("job-1"))).toEqual(["completed:100"]);
  });

  it("cancels the stream on break", async () => {
    const onCancel = vi.fn();
    const { client, requests } = fakeClient(() =>
      sse([progressFrame(1, "processing", 10)], { open: true, onCancel }),
    );
    for await (const event of client.jobs.watch("job-1")) {
      expect(event.pct).toBe(10);
      break;
    }
    expect(onCancel).toHaveBeenCalled();
    expect(requests[0]?.signal.aborted).toBe(true);
    expect(requests).toHaveLength(1);
  });

  it("cancels the stream and throws APIUserAbortError when the signal aborts", async () => {
    const onCancel = vi.fn();
    const { client } = fakeClient(() => sse([progressFrame(1, "processing", 10)], { open: true, onCancel }));
    const controller = new AbortController();
    const seen: number[] = [];
    const result = (async () => {
      for await (const event of client.jobs.watch("job-1", { signal: controller.signal })) {
        seen.push(event.pct);
        controller.abort();
      }
    })();
    await expect(result).rejects.toBeInstanceOf(APIUserAbortError);
    expect(seen).toEqual([10]);
    expect(onCancel).toHaveBeenCalled();
  });
});

describe("jobs.wait", () => {
  beforeEach(() => useFakeTime());
  afterEach(() => vi.useRealTimers());

  it("resolves with the final status", async () => {
    const { client } = fakeClient((request) =>
      STREAM.test(request.url)
        ? sse([progressFrame(1, "completed", 100)])
        : json(200, jobStatus("completed")),
    );
    expect(await client.jobs.wait("job-1")).toMatchObject({ job_id: "job-1", status: "completed" });
  });

  it("reads /status until it is final too, when it trails the stream", async () => {
    let reads = 0;
    const { client } = fakeClient((request) => {
      if (STREAM.test(request.url)) return sse([progressFrame(1, "completed", 100)]);
      reads++;
      return json(200, jobStatus(reads === 1 ? "processing" : "completed"));
    });
    const job = client.jobs.wait("job-1", { pollIntervalMs: 200 });
    await vi.advanceTimersByTimeAsync(200);
    expect(await job).toMatchObject({ status: "completed" });
    expect(reads).toBe(2);
  });

  it("throws JobFailedError with the server's error_message", async () => {
    const { client } = fakeClient((request) =>
      STREAM.test(request.url)
        ? sse([progressFrame(1, "failed", 40)])
        : json(200, jobStatus("failed", { error_message: "Column amount is missing" })),
    );
    const error = await client.jobs.wait("job-1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error).toMatchObject({ message: "Column amount is missing", job: { status: "failed" } });
  });

  it("throws APIConnectionTimeoutError after timeoutMs", async () => {
    const { client } = fakeClient(() => sse([progressFrame(1, "processing", 10)], { open: true }));
    const error = client.jobs.wait("job-1", { timeoutMs: 5000 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(((await error) as Error).message).toBe("Job job-1 did not finish within 5000 ms");
  });
});
