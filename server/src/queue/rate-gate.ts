import type { Redis } from "ioredis";

/**
 * A per-key limit of N actions per second shared by every process: a counter per key and second in Redis (in
 * memory in embedded mode). `pass` waits for the next second while the current one is full.
 */
export class RateGate {
  private readonly local = new Map<string, number>();

  constructor(
    private readonly redis: Redis | undefined,
    private readonly prefix: string,
  ) {}

  async pass(key: string, perSecond: number): Promise<void> {
    for (;;) {
      const second = Math.floor(Date.now() / 1000);
      const slot = `${this.prefix}:rate:${key}:${second}`;
      let count: number;
      if (this.redis) {
        const [[, value]] = (await this.redis.multi().incr(slot).expire(slot, 2).exec()) as [
          [unknown, number],
        ];
        count = value;
      } else {
        count = (this.local.get(slot) ?? 0) + 1;
        this.local.set(slot, count);
        for (const old of this.local.keys()) if (!old.endsWith(`:${second}`)) this.local.delete(old);
      }
      if (count <= perSecond) return;
      await new Promise((resolve) => setTimeout(resolve, (second + 1) * 1000 - Date.now() + 5));
    }
  }
}
