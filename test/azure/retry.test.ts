import { TokenBucket } from "../../src/azure/budget";
import { classifyError, retryAfterMs } from "../../src/azure/errors";
import { withRetries } from "../../src/azure/retry";

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
