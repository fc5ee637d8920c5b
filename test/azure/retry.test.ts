import { TokenBucket } from "../../src/azure/budget";
import { classifyError, retryAfterMs } from "../../src/azure/errors";
import { CallHealth, withRetries, type RetryInfo } from "../../src/azure/retry";
import { RunStopped } from "../../src/azure/stop";

const err = (statusCode: number | undefined, code?: string, headers: Record<string, string> = {}) =>
  Object.assign(new Error(code ?? "x"), { statusCode, code, response: { headers: { get: (n: string) => headers[n.toLowerCase()] } } });

describe("error classes", () => {
  it.each([
    [err(429, "TooManyRequests", { "retry-after": "7" }), { kind: "throttled", retryAfterMs: 7000 }],
    [err(500, "InternalServerError"), { kind: "transient" }],
    [err(503), { kind: "transient" }],
    [err(undefined, "ECONNREFUSED"), { kind: "transient" }],
    [err(400, "Deprecated"), { kind: "terminal", credential: false }],
    [err(403, "AuthorizationFailed"), { kind: "terminal", credential: false }],
    [err(401, "InvalidAuthenticationToken"), { kind: "terminal", credential: true }],
    [err(409, "Conflict"), { kind: "terminal", credential: false }],
  ])("%s", (e, expected) => expect(classifyError(e)).toEqual(expected));

  it("reads Retry-After as seconds or a date", () => {
    expect(retryAfterMs(err(429, "x", { "retry-after": "2" }))).toBe(2000);
    expect(retryAfterMs(err(429, "x", { "retry-after": new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
  });
});

describe("withRetries", () => {
  it("waits exactly Retry-After on 429 and keeps going until it succeeds", async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls++;
        if (calls <= 8) throw err(429, "TooManyRequests", { "retry-after": "3" });
        return "ok";
      },
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(result).toBe("ok");
    expect(waits).toEqual(Array(8).fill(3000));
  });

  it("backs off on 5xx and gives up after the allowed attempts", async () => {
    const waits: number[] = [];
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw err(500, "InternalServerError");
        },
        { sleep: async (ms) => void waits.push(ms), random: () => 1, maxTransientAttempts: 4, baseDelayMs: 100 },
      ),
    ).rejects.toMatchObject({ statusCode: 500 });
    expect(calls).toBe(4);
    expect(waits).toEqual([100, 200, 400]);
  });

  it("never retries a terminal error", async () => {
    let calls = 0;
    await expect(withRetries(async () => { calls++; throw err(400, "Deprecated"); }, { sleep: async () => undefined })).rejects.toMatchObject({ code: "Deprecated" });
    expect(calls).toBe(1);
  });
});

describe("withRetries in an apply (a run's health, --give-up-after)", () => {
  const unavailable = (retryAfter?: string) => err(503, "ServiceUnavailable", retryAfter ? { "retry-after": retryAfter } : {});

  // A clock the waits advance, shared by the health and the call (as Date.now is in a run).
  const fakeTime = () => {
    const t = { now: 0, waits: [] as number[] };
    return { t, now: () => t.now, sleep: async (ms: number) => void (t.waits.push(ms), (t.now += ms)) };
  };

  it("retries a write past six attempts until its class has met nothing but transient errors for the window, then stops the run once", async () => {
    const { t, now, sleep } = fakeTime();
    const reasons: string[] = [];
    const health = new CallHealth(60_000, (r) => reasons.push(r), now);
    let calls = 0;
    const p = withRetries(
      async () => {
        calls++;
        // What the pacer does for each request: a read answered beside every write failing.
        health.answered("read");
        health.failed("write");
        throw unavailable();
      },
      { health, now, sleep, random: () => 1 },
    );
    await expect(p).rejects.toBeInstanceOf(RunStopped);
    // Before: the step failed on its own after 6 attempts (about 16 s), with the run not stopped.
    expect(calls).toBeGreaterThan(6);
    expect(t.now).toBe(60_000);
    expect(Math.max(...t.waits)).toBeLessThanOrEqual(30_000);
    expect(reasons).toEqual(["gave up: ARM answered nothing but transient errors (5xx, network) to writes for 60 s"]);
    // Any later call of the run stops at its first transient error.
    await expect(withRetries(async () => Promise.reject(unavailable()), { health, now, sleep })).rejects.toBeInstanceOf(RunStopped);
  });

  it("a call that alone meets transient errors for the window fails on its own while ARM answers the rest", async () => {
    const { t, now, sleep } = fakeTime();
    const reasons: string[] = [];
    const health = new CallHealth(20_000, (r) => reasons.push(r), now);
    const p = withRetries(
      async () => {
        health.answered("write"); // the other steps' writes
        throw unavailable();
      },
      { health, now, sleep, random: () => 1 },
    );
    await expect(p).rejects.toMatchObject({ statusCode: 503 });
    expect(t.now).toBe(20_000);
    expect(reasons).toEqual([]);
  });

  it("waits at least a 503's Retry-After, and tells onRetry the status and the wait asked for", async () => {
    const { t, sleep } = fakeTime();
    const told: RetryInfo[] = [];
    let calls = 0;
    await withRetries(
      async () => {
        if (++calls === 1) throw unavailable("7");
        if (calls === 2) throw err(429, "TooManyRequests", { "retry-after": "3" });
        return "ok";
      },
      { sleep, random: () => 1, baseDelayMs: 100, onRetry: (i) => told.push(i) },
    );
    expect(t.waits).toEqual([7000, 3000]);
    expect(told).toEqual([
      { attempt: 1, delayMs: 7000, reason: "transient", status: 503, retryAfterMs: 7000 },
      { attempt: 2, delayMs: 3000, reason: "throttled", status: 429, retryAfterMs: 3000 },
    ]);
  });
});

describe("TokenBucket", () => {
  it("never lets more writes through than capacity plus refill", async () => {
    let now = 0;
    const bucket = new TokenBucket({ capacity: 5, refillPerSecond: 2, now: () => now, sleep: async (ms) => void (now += ms) });
    for (let i = 0; i < 25; i++) await bucket.take();
    // 5 at once, then 20 more at 2 per second: 10 s of simulated time.
    expect(now).toBeGreaterThanOrEqual(10_000);
    expect(now).toBeLessThan(10_600);
    expect(bucket.taken).toBe(25);
  });

  it("rejects a budget that cannot work", () => {
    expect(() => new TokenBucket({ capacity: 0, refillPerSecond: 1 })).toThrow(/capacity must be >= 1/);
  });
});
