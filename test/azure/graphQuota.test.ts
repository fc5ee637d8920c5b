/** Issue 15 item 5: Resource Graph's per-user quota headers are waited on, not spent as 429s. */
import { GraphQuota } from "../../src/azure/graph";
import { RunStopped } from "../../src/azure/stop";

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name] });

describe("Resource Graph's quota headers", () => {
  it("with quota left, the next query goes at once", async () => {
    const q = new GraphQuota();
    q.observe(headers({ "x-ms-user-quota-remaining": "2", "x-ms-user-quota-resets-after": "00:00:05" }));
    await q.beforeQuery();
    expect({ queries: q.queries, waits: q.waits }).toEqual({ queries: 1, waits: 0 });
  });

  it("with none left, the next query waits for the window to reset, and the wait ends with the run", async () => {
    const q = new GraphQuota();
    q.observe(headers({ "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:05" }));
    const stop = new AbortController();
    const waiting = q.beforeQuery(stop.signal);
    setTimeout(() => stop.abort(new Error("interrupted by SIGINT")), 50);
    await expect(waiting).rejects.toBeInstanceOf(RunStopped);
    // It was waiting (a query sent at once would have resolved), and the stop cut it short.
    expect(q.waits).toBe(1);
  });
});
