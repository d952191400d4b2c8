import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";

export type JobProgressStatus = "queued" | "processing" | "completed" | "failed";

/** What `GET .../progress` answers and each SSE `progress` event carries. */
export interface JobProgress {
  job_id: string;
  status: JobProgressStatus;
  pct: number;
  message: string;
}

export interface ProgressEvent {
  /** Increases by one per event of a job: the SSE `id:`, and what Last-Event-ID resumes from. */
  seq: number;
  progress: JobProgress;
}

/**
 * Live progress of jobs, kept for `ttlSeconds` after the last update (about an hour): the latest state, the
 * ordered events (for SSE replay and resume) and a notification when a job gets a new event. Shared through
 * Redis between API and worker processes; in memory in embedded mode.
 */
export interface ProgressStore {
  publish(progress: JobProgress): Promise<number>;
  latest(jobId: string): Promise<JobProgress | undefined>;
  eventsAfter(jobId: string, seq: number): Promise<ProgressEvent[]>;
  /** Calls `onEvent` whenever the job gets a new event; returns the unsubscribe function. */
  watch(jobId: string, onEvent: () => void): Promise<() => void>;
  close(): Promise<void>;
}

// seq = INCR; the event goes into a stream under that id; latest state beside it; all three expire together;
// then one notification on the shared channel carrying the job id.
const PUBLISH = `
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], seq .. '-0', 'p', ARGV[1])
redis.call('SET', KEYS[3], ARGV[1])
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
redis.call('PUBLISH', KEYS[4], ARGV[3])
return seq
`;

export class RedisProgressStore implements ProgressStore {
  private subscriber: Redis | undefined;
  private readonly listeners = new EventEmitter();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {
    this.listeners.setMaxListeners(0);
  }

  private key(jobId: string, part: "seq" | "events" | "latest") {
    return `${this.prefix}:progress:${jobId}:${part}`;
  }

  private get channel() {
    return `${this.prefix}:progress`;
  }

  async publish(progress: JobProgress): Promise<number> {
    const id = progress.job_id;
    const keys = [this.key(id, "seq"), this.key(id, "events"), this.key(id, "latest"), this.channel];
    const seq = await this.redis.eval(PUBLISH, 4, ...keys, JSON.stringify(progress), this.ttlSeconds, id);
    return Number(seq);
  }

  async latest(jobId: string): Promise<JobProgress | undefined> {
    const raw = await this.redis.get(this.key(jobId, "latest"));
    return raw ? (JSON.parse(raw) as JobProgress) : undefined;
  }

  async eventsAfter(jobId: string, seq: number): Promise<ProgressEvent[]> {
    const entries = await this.redis.xrange(this.key(jobId, "events"), `${seq + 1}-0`, "+");
    return entries.map(([id, fields]) => ({
      seq: Number(id.split("-")[0]),
      progress: JSON.parse(fields[1] ?? "{}") as JobProgress,
    }));
  }

  async watch(jobId: string, onEvent: () => void): Promise<() => void> {
    if (!this.subscriber) {
      // One subscriber connection per process, however many SSE clients are watching.
      this.subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
      this.subscriber.on("message", (_channel: string, id: string) => this.listeners.emit(id));
      await this.subscriber.subscribe(this.channel);
    }
    this.listeners.on(jobId, onEvent);
    return () => this.listeners.off(jobId, onEvent);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }
}

export class MemoryProgressStore implements ProgressStore {
  private readonly jobs = new Map<string, { events: ProgressEvent[]; expiresAt: number }>();
  private readonly listeners = new EventEmitter();

  constructor(private readonly ttlSeconds: number) {
    this.listeners.setMaxListeners(0);
  }

  private live(jobId: string) {
    const entry = this.jobs.get(jobId);
    if (entry && entry.expiresAt <= Date.now()) {
      this.jobs.delete(jobId);
      return undefined;
    }
    return entry;
  }

  async publish(progress: JobProgress): Promise<number> {
    const entry = this.live(progress.job_id) ?? { events: [], expiresAt: 0 };
    const seq = entry.events.length + 1;
    entry.events.push({ seq, progress });
    entry.expiresAt = Date.now() + this.ttlSeconds * 1000;
    this.jobs.set(progress.job_id, entry);
    this.listeners.emit(progress.job_id);
    return seq;
  }

  async latest(jobId: string) {
    return this.live(jobId)?.events.at(-1)?.progress;
  }

  async eventsAfter(jobId: string, seq: number) {
    return (this.live(jobId)?.events ?? []).filter((e) => e.seq > seq);
  }

  async watch(jobId: string, onEvent: () => void) {
    this.listeners.on(jobId, onEvent);
    return () => {
      this.listeners.off(jobId, onEvent);
    };
  }

  async close() {}
}
