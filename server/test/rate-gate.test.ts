import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RateGate } from "../src/queue/rate-gate.js";

const redis = process.env.REDIS_URL ? new Redis(process.env.REDIS_URL) : undefined;
afterAll(() => redis?.disconnect());

describe("the per-second rate gate (provider limits)", () => {
  it("lets at most N actions through per second, for all callers together", async () => {
    // Two gates on the same store stand for two worker processes.
    const prefix = `segmento-test-gate-${Date.now()}`;
    const gates = redis
      ? [new RateGate(redis, prefix), new RateGate(redis, prefix)]
      : [new RateGate(undefined, prefix)];
    const times: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 25 }, async (_, i) => {
        await gates[i % gates.length]!.pass("integration:x", 10);
        times.push(Date.now());
      }),
    );
    const perSecond = new Map<number, number>();
    for (const t of times)
      perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(10);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  }, 10_000);

  it("keeps keys apart", async () => {
    const gate = new RateGate(redis, `segmento-test-gate-keys-${Date.now()}`);
    const started = Date.now();
    await Promise.all([...Array(5)].flatMap(() => [gate.pass("a", 5), gate.pass("b", 5)]));
    expect(Date.now() - started).toBeLessThan(900);
  });
});
