import { describeRetries, RetryTally } from "../../src/azure/retryTally";

describe("RetryTally", () => {
  it("says at most one line per interval, then what is left at the end, and keeps the run's total", () => {
    let now = 0;
    const lines: string[] = [];
    const tally = new RetryTally((l) => lines.push(l), 10_000, () => now);
    // 200 retries over 20 s: a line at the first, one 10 s later, the rest at the flush.
    for (let i = 0; i < 200; i++) {
      now = i * 100;
      tally.onRetry(i % 4 === 0 ? { attempt: 1, delayMs: 1000, reason: "transient", status: 503, retryAfterMs: 1000 } : { attempt: 1, delayMs: 7000, reason: "throttled", status: 429, retryAfterMs: (i % 7) * 1000 });
    }
    expect(lines).toEqual([
      "ARM answered 1 with 503; retrying",
      "ARM throttled 75 request(s) (429, Retry-After up to 6 s) and answered 25 with 503; retrying",
    ]);
    tally.flush();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("ARM throttled 75 request(s) (429, Retry-After up to 6 s) and answered 24 with 503; retrying");
    tally.flush();
    expect(lines).toHaveLength(3);
    expect(tally.total).toEqual({ throttled: 150, longestRetryAfterMs: 6000, transient: { "503": 50 } });
  });

  it("names each status and the requests left unanswered", () => {
    expect(describeRetries({ throttled: 0, longestRetryAfterMs: 0, transient: { "503": 5, "500": 2, network: 3 } })).toBe("ARM answered 2 with 500, 5 with 503 and left 3 unanswered (network)");
    expect(describeRetries({ throttled: 4, longestRetryAfterMs: 0, transient: {} })).toBe("ARM throttled 4 request(s) (429)");
  });
});
