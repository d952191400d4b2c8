import type { Request, Response } from "express";
import type { AppContext } from "../../context.js";
import type { JobRow } from "../../db/jobs.js";
import type { ProgressEvent } from "../../jobs/progress.js";

const TERMINAL = new Set(["completed", "failed"]);

/**
 * Server-Sent Events for one job: replays the events after Last-Event-ID, then follows new ones as the
 * worker (in any process) publishes them, with a heartbeat comment to keep proxies from closing a quiet
 * stream. Ends after the terminal event, or at once with `event: expired` when the live progress is gone.
 */
export async function streamProgress(
  app: AppContext,
  job: JobRow,
  req: Request,
  res: Response,
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
    res.end();
  };
  const send = (event: ProgressEvent) => {
    res.write(`event: progress\nid: ${event.seq}\ndata: ${JSON.stringify(event.progress)}\n\n`);
    last = event.seq;
    if (TERMINAL.has(event.progress.status)) end();
  };
  // Reads are chained so events go out once each and in order, however notifications interleave.
  let reading = Promise.resolve();
  const catchUp = () => {
    reading = reading.then(async () => {
      if (ended) return;
      for (const event of await app.progress.eventsAfter(job.id, last)) if (!ended) send(event);
    });
    return reading;
  };

  const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), app.config.sseHeartbeatMs);
  let unwatch = () => {};
  req.on("close", end);
  unwatch = await app.progress.watch(
    job.id,
    () => void catchUp().catch((error) => req.log.warn({ err: error }, "progress read failed")),
  );
  if (ended) {
    unwatch();
    return;
  }
  if (!(await app.progress.latest(job.id)) && ["completed", "failed", "skipped"].includes(job.status)) {
    res.write(`event: expired\ndata: ${JSON.stringify({ job_id: job.id })}\n\n`);
    end();
    return;
  }
  await catchUp();
}
