import type { Request, Response } from "express";
import type { AppContext } from "../context.js";
import type { Topic, TopicEvent } from "../queue/progress.js";

/** The reconnect delay a stream ended by a shutdown asks for: long enough for the balancer to notice. */
const RECONNECT_AFTER_SHUTDOWN_MS = 1000;

export interface TopicStream {
  /** The event after which the stream ends (a job's or a run's terminal state). */
  isLast(event: TopicEvent): boolean;
  /**
   * Asked when the topic has no live events: the frame to send before ending (`event: expired`, or a final
   * state read from the database), or undefined to keep waiting for events.
   */
  whenQuiet(): Promise<{ event: string; data: unknown } | undefined>;
}

/**
 * Server-Sent Events over one progress topic: replays the events after Last-Event-ID, then follows new ones as
 * a worker (in any process) publishes them, with a heartbeat comment so proxies keep a quiet stream open. Ends
 * after the last event, or at once when the topic is quiet and finished.
 */
export async function streamTopic(
  app: AppContext,
  req: Request,
  res: Response,
  topic: Topic,
  stream: TopicStream,
): Promise<void> {
  const resumeFrom = Number.parseInt(req.get("last-event-id") ?? "0", 10);
  let last = Number.isFinite(resumeFrom) && resumeFrom > 0 ? resumeFrom : 0;
  let ended = false;
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  res.write("retry: 3000\n\n");

  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unwatch();
    offShutdown();
    res.end();
  };
  // A server going away tells the client to reconnect soon (with Last-Event-ID: nothing is missed).
  const offShutdown = app.lifecycle.onShutdown(() => {
    res.write(`retry: ${RECONNECT_AFTER_SHUTDOWN_MS}\n: server shutting down, reconnect\n\n`);
    end();
  });
  const send = (event: TopicEvent) => {
    res.write(`event: ${event.event}\nid: ${event.seq}\ndata: ${JSON.stringify(event.data)}\n\n`);
    last = event.seq;
    if (stream.isLast(event)) end();
  };
  // Reads are chained so events go out once each and in order, however notifications interleave.
  let reading = Promise.resolve();
  const catchUp = () => {
    reading = reading.then(async () => {
      if (ended) return;
      for (const event of await app.progress.eventsAfter(topic, last)) if (!ended) send(event);
    });
    return reading;
  };

  const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), app.config.sseHeartbeatMs);
  let unwatch = () => {};
  req.on("close", end);
  unwatch = await app.progress.watch(
    topic,
    () => void catchUp().catch((error) => req.log.warn({ err: error }, "progress read failed")),
  );
  if (ended) {
    unwatch();
    return;
  }
  if (!(await app.progress.latest(topic))) {
    const final = await stream.whenQuiet();
    if (final) {
      res.write(`event: ${final.event}\ndata: ${JSON.stringify(final.data)}\n\n`);
      end();
      return;
    }
  }
  await catchUp();
}
