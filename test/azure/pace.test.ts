/**
 * Issue 15 item 6, apply at Azure's pace: a write budget per subscription (as ARM keeps it), reads
 * of keys charged as ARM charges them (writes: a POST), long-running operations polled without holding a concurrency slot, and
 * every wait of the run ended by its stop signal.
 */
import { ArmBudgets, ARM_BUCKETS, requestClass, subscriptionOfUrl, TokenBucket } from "../../src/azure/budget";
import { createHttpHeaders, createPipelineRequest, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { executePlan, type StepContext, type StepRunner } from "../../src/azure/executor";
import { pacerPolicy } from "../../src/azure/pacer";
import { RUNTIME_OPTIONS, writeBudget } from "../../src/azure/options";
import { CallHealth, withRetries } from "../../src/azure/retry";
import { RunStopped } from "../../src/azure/stop";
import type { Plan, Step } from "../../src/core";

const step = (id: string): Step => ({ id, action: "install-extension", target: `/subscriptions/s/x/${id}`, dependsOn: [], details: {} as never });
const planOf = (steps: Step[]): Plan => ({ version: 1, machines: [], steps, findings: [], summary: { machines: 0, decisions: {}, steps: steps.length, actions: {}, findings: {} } });

describe("ARM's buckets", () => {
  it("default to ARM's documented sizes, per subscription", () => {
    expect(ARM_BUCKETS).toEqual({ read: { capacity: 250, refillPerSecond: 25 }, write: { capacity: 200, refillPerSecond: 10 }, delete: { capacity: 200, refillPerSecond: 10 } });
    // The CLI's defaults are ARM's write bucket, not a burst of 20 shared by every subscription.
    expect(writeBudget(RUNTIME_OPTIONS.maxWritesPerSecond.default)).toEqual({ capacity: 200, refillPerSecond: 10 });
  });

  it("one subscription's writes never wait for another's", async () => {
    let now = 0;
    const waited: number[] = [];
    const budgets = new ArmBudgets({ ...ARM_BUCKETS, write: { capacity: 2, refillPerSecond: 1 } }, { now: () => now, sleep: async (ms) => void (waited.push(ms), (now += ms)) });
    for (const sub of ["a", "b", "c"]) for (let i = 0; i < 2; i++) await budgets.take("write", sub);
    expect(waited).toEqual([]);
    await budgets.take("write", "a");
    expect(waited).toEqual([1000]);
    expect(budgets.taken("write")).toBe(7);
  });

  it("never holds more than ARM says its bucket holds (the remaining header; 0 after a 429)", async () => {
    let now = 0;
    const waited: number[] = [];
    const budgets = new ArmBudgets({ ...ARM_BUCKETS, write: { capacity: 5, refillPerSecond: 1 } }, { now: () => now, sleep: async (ms) => void (waited.push(ms), (now += ms)) });
    const pacer = pacerPolicy(budgets);
    const answer = (status: number, remaining?: string) => async (request: PipelineRequest): Promise<PipelineResponse> => ({
      request,
      status,
      headers: createHttpHeaders(remaining === undefined ? {} : { "x-ms-ratelimit-remaining-subscription-writes": remaining }),
    });
    const put = createPipelineRequest({ url: "https://m/subscriptions/s1/x", method: "PUT" });
    // ARM counts 1 left where this side counts 4 (a write it charged that we did not see).
    await pacer.sendRequest(put, answer(200, "1"));
    expect(budgets.bucket("write", "s1").readyIn(0)).toBe(0);
    expect(budgets.bucket("write", "s1").readyIn(1)).toBe(1000);
    // A 429 says the bucket is empty; a higher count never adds tokens.
    await pacer.sendRequest(put, answer(429));
    await pacer.sendRequest(put, answer(200, "199"));
    expect(waited).toEqual([1000]);
    expect(budgets.bucket("write", "s1").readyIn(0)).toBe(1000);
    // Another subscription's bucket is its own.
    expect(budgets.bucket("write", "s2").readyIn(0)).toBe(0);
  });

  it("cuts a read in flight when the run stops (a remediation's follow-up GET), and leaves a write to finish", async () => {
    const run = new AbortController();
    const pacer = pacerPolicy(new ArmBudgets(ARM_BUCKETS), run.signal);
    const aborted: string[] = [];
    let answer: (() => void) | undefined;
    // ARM that answers only when told to; a request whose signal aborts ends at once, as the SDK's HTTP client does.
    const slowArm = (request: PipelineRequest) =>
      new Promise<PipelineResponse>((resolve, reject) => {
        answer = () => resolve({ request, status: 200, headers: createHttpHeaders() });
        request.abortSignal?.addEventListener("abort", () => {
          aborted.push(request.method);
          reject(new Error("The operation was aborted."));
        });
      });
    const get = pacer.sendRequest(createPipelineRequest({ url: "https://m/subscriptions/s1/providers/Microsoft.PolicyInsights/remediations/r", method: "GET" }), slowArm);
    await new Promise((r) => setImmediate(r));
    run.abort(new Error("interrupted by SIGINT"));
    await expect(get).rejects.toThrow("aborted");
    expect(aborted).toEqual(["GET"]);

    const stopped = new AbortController();
    const put = pacerPolicy(new ArmBudgets(ARM_BUCKETS), stopped.signal).sendRequest(createPipelineRequest({ url: "https://m/subscriptions/s1/x", method: "PUT" }), slowArm);
    await new Promise((r) => setImmediate(r));
    stopped.abort();
    answer!();
    expect((await put).status).toBe(200);
    expect(aborted).toEqual(["GET"]);
  });

  it("a read keeps the request's own signal (an SDK poller's) beside the run's", async () => {
    const pacer = pacerPolicy(new ArmBudgets(ARM_BUCKETS), new AbortController().signal);
    const caller = new AbortController();
    const request = createPipelineRequest({ url: "https://m/subscriptions/s1/x", method: "GET", abortSignal: caller.signal });
    const get = pacer.sendRequest(request, (r) => new Promise((_, reject) => r.abortSignal?.addEventListener("abort", () => reject(new Error("The operation was aborted.")))));
    await new Promise((r) => setImmediate(r));
    caller.abort();
    await expect(get).rejects.toThrow("aborted");
    // The next attempt of the same request starts from the caller's signal again.
    expect(request.abortSignal).toBe(caller.signal);
  });

  it("charges each request to its class as ARM does: listing workspace keys (a POST) is a write", () => {
    expect(requestClass("PUT")).toBe("write");
    expect(requestClass("PATCH")).toBe("write");
    expect(requestClass("GET")).toBe("read");
    expect(requestClass("DELETE")).toBe("delete");
    expect(requestClass("HEAD")).toBe("read");
    // POST .../workspaces/w/sharedKeys and POST .../remediations/r/cancel alike.
    expect(requestClass("POST")).toBe("write");
    expect(subscriptionOfUrl("https://m/subscriptions/ABC/resourceGroups/g")).toBe("abc");
  });
});

describe("the slots are shared among the subscriptions", () => {
  it("steps planned one subscription after another are taken in turn, so a spent budget holds back only its own", async () => {
    const inSub = (sub: string, id: string): Step => ({ ...step(id), target: `/subscriptions/${sub}/x/${id}` });
    // Subscription a's budget is spent: its steps wait (holding their slots) until b's are through.
    let bDone = 0;
    let releaseA!: () => void;
    const aMayGo = new Promise<void>((r) => (releaseA = r));
    const fallback = setTimeout(releaseA, 2000);
    const order: string[] = [];
    const runner: StepRunner = {
      async run(s: Step) {
        order.push(s.id);
        if (s.id.startsWith("a")) await aMayGo;
        else if (++bDone === 2) releaseA();
      },
      check: async () => "absent",
      wait: async () => undefined,
    };
    const steps = [...["a1", "a2", "a3", "a4", "a5", "a6"].map((id) => inSub("A", id)), inSub("B", "b1"), inSub("B", "b2")];
    const r = await executePlan(planOf(steps), runner, { concurrency: 4 });
    clearTimeout(fallback);
    expect(r.counts.done).toBe(8);
    // b's steps ran while a's waited: they did not queue behind every one of a's.
    expect(order.slice(0, 4)).toEqual(["a1", "b1", "a2", "b2"]);
    expect(bDone).toBe(2);
  });
});

describe("long-running operations hold no concurrency slot while polled", () => {
  it("with one slot, the next step is sent while the first one's operation runs", async () => {
    const order: string[] = [];
    let release!: () => void;
    const firstDone = new Promise<void>((r) => (release = r));
    const runner: StepRunner = {
      async run(s: Step, ctx: StepContext) {
        order.push(`send ${s.id}`);
        await ctx.accepted();
        if (s.id === "a") await firstDone; // a long install, being polled
        else if (s.id === "b") release();
        order.push(`done ${s.id}`);
      },
      check: async () => "absent",
      wait: async () => undefined,
    };
    const r = await executePlan(planOf([step("a"), step("b")]), runner, { concurrency: 1 });
    expect(r.counts.done).toBe(2);
    expect(order).toEqual(["send a", "send b", "done b", "done a"]);
  });
});

describe("every wait ends with the run", () => {
  it("a Retry-After of 120 s ends as soon as the run is stopped", async () => {
    const controller = new AbortController();
    const throttled = Object.assign(new Error("throttled"), { statusCode: 429, response: { headers: { get: (n: string) => (n === "retry-after" ? "120" : undefined) } } });
    const p = withRetries(async () => Promise.reject(throttled), { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("interrupted by SIGINT")), 10);
    await expect(p).rejects.toEqual(new RunStopped("interrupted by SIGINT"));
  });

  it("a budget wait ends as soon as the run is stopped", async () => {
    const bucket = new TokenBucket({ capacity: 1, refillPerSecond: 0.001 });
    await bucket.take();
    const controller = new AbortController();
    const p = bucket.take(controller.signal);
    controller.abort(new Error("interrupted by SIGTERM"));
    await expect(p).rejects.toThrow("interrupted by SIGTERM");
  });

  it("transient errors past the give-up window stop the whole run once", async () => {
    let now = 0;
    const reasons: string[] = [];
    const health = new CallHealth(5000, (r) => reasons.push(r), () => now);
    const unavailable = Object.assign(new Error("503"), { statusCode: 503 });
    // The pacer tells the health of each request's answer; here, every read fails.
    const failing = async () => {
      health.failed("read");
      return Promise.reject(unavailable);
    };
    const p = withRetries(failing, { health, now: () => now, sleep: async (ms) => void (now += ms) });
    await expect(p).rejects.toBeInstanceOf(RunStopped);
    await expect(withRetries(failing, { health })).rejects.toBeInstanceOf(RunStopped);
    expect(reasons).toEqual(["gave up: ARM answered nothing but transient errors (5xx, network) to reads for 5 s"]);
  });
});
