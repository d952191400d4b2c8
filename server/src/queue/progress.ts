import { EventEmitter } from "node:events";
import type { Redis } from "ioredis";

/**
 * What is followed live: a job (`job:<id>`) or a pipeline run (`run:<id>`). Each topic is an ordered list of
 * events; an event has a name (the SSE `event:`) and a JSON payload.
 */
export type Topic = `job:${string}` | `run:${string}`;

export interface TopicEvent {
  /** Increases by one per event of a topic: the SSE `id:`, and what Last-Event-ID resumes from. */
  seq: number;
  event: string;
  data: unknown;
}

/**
 * Live progress, kept for `ttlSeconds` after a topic's last event (about an hour): the ordered events (for SSE
 * replay and resume), the latest of them, and a notification when a topic gets a new one. Shared through Redis
 * between API and worker processes; in memory in embedded mode.
 */
export interface ProgressStore {
  publish(topic: Topic, event: string, data: unknown): Promise<number>;
  latest(topic: Topic): Promise<TopicEvent | undefined>;
  eventsAfter(topic: Topic, seq: number): Promise<TopicEvent[]>;
  /** Calls `onEvent` whenever the topic gets a new event; returns the unsubscribe function. */
  watch(topic: Topic, onEvent: () => void): Promise<() => void>;
  close(): Promise<void>;
}

// seq = INCR; the event goes into a stream under that id; latest beside it; all three expire together; then one
// notification on the shared channel carrying the topic.
const PUBLISH = `
local seq = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], seq .. '-0', 'e', ARGV[1])
redis.call('SET', KEYS[3], seq .. ' ' .. ARGV[1])
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

  private key(topic: Topic, part: "seq" | "events" | "latest") {
    return `${this.prefix}:progress:${topic}:${part}`;
  }

  private get channel() {
    return `${this.prefix}:progress`;
  }

  async publish(topic: Topic, event: string, data: unknown): Promise<number> {
    const keys = [this.key(topic, "seq"), this.key(topic, "events"), this.key(topic, "latest"), this.channel];
    const body = JSON.stringify({ event, data });
    return Number(await this.redis.eval(PUBLISH, 4, ...keys, body, this.ttlSeconds, topic));
  }

  async latest(topic: Topic): Promise<TopicEvent | undefined> {
    const raw = await this.redis.get(this.key(topic, "latest"));
    if (!raw) return undefined;
    const space = raw.indexOf(" ");
    return { seq: Number(raw.slice(0, space)), ...JSON.parse(raw.slice(space + 1)) };
  }

  async eventsAfter(topic: Topic, seq: number): Promise<TopicEvent[]> {
    const entries = await this.redis.xrange(this.key(topic, "events"), `${seq + 1}-0`, "+");
    return entries.map(([id, fields]) => ({
      seq: Number(id.split("-")[0]),
      ...(JSON.parse(fields[1] ?? "{}") as { event: string; data: unknown }),
    }));
  }

  async watch(topic: Topic, onEvent: () => void): Promise<() => void> {
    if (!this.subscriber) {
      // One subscriber connection per process, however many SSE clients are watching.
      this.subscriber = this.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
      this.subscriber.on("message", (_channel: string, id: string) => this.listeners.emit(id));
      await this.subscriber.subscribe(this.channel);
    }
    this.listeners.on(topic, onEvent);
    return () => this.listeners.off(topic, onEvent);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
  }
}

export class MemoryProgressStore implements ProgressStore {
  private readonly topics = new Map<Topic, { events: TopicEvent[]; expiresAt: number }>();
  private readonly listeners = new EventEmitter();

  constructor(private readonly ttlSeconds: number) {
    this.listeners.setMaxListeners(0);
  }

  private live(topic: Topic) {
    const entry = this.topics.get(topic);
    if (entry && entry.expiresAt <= Date.now()) {
      this.topics.delete(topic);
      return undefined;
    }
    return entry;
  }

  async publish(topic: Topic, event: string, data: unknown): Promise<number> {
    const entry = this.live(topic) ?? { events: [], expiresAt: 0 };
    const seq = entry.events.length + 1;
    entry.events.push({ seq, event, data });
    entry.expiresAt = Date.now() + this.ttlSeconds * 1000;
    this.topics.set(topic, entry);
    this.listeners.emit(topic);
    return seq;
  }

  async latest(topic: Topic) {
    return this.live(topic)?.events.at(-1);
  }

  async eventsAfter(topic: Topic, seq: number) {
    return (this.live(topic)?.events ?? []).filter((e) => e.seq > seq);
  }

  async watch(topic: Topic, onEvent: () => void) {
    this.listeners.on(topic, onEvent);
    return () => {
      this.listeners.off(topic, onEvent);
    };
  }

  async close() {}
}
