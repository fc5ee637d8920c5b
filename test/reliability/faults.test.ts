/**
 * Issue "Reliability and security", fault suite: 429 storms with Retry-After, 500s, terminal
 * errors. The executor waits as long as ARM says, never gives up early, never exceeds the write
 * budget it is given, retries 5xx with backoff and never retries a terminal error.
 * Figures printed here are quoted in RELIABILITY.md.
 */
import { applyPlan } from "../../src/azure/apply";
import { readInventory } from "../../src/azure/inventory";
import { plan } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";
import { duplicatePuts, startLab, type Lab } from "../e2e/helpers";

jest.setTimeout(180_000);

interface Counters {
  total: number;
  byStatus: Record<string, number>;
}

async function freshPlan(lab: Lab) {
  const spec = loadSpecFile(lab.specPath);
  const inventory = await readInventory(lab.conn, spec.subscriptions, { retry: { baseDelayMs: 20 } });
  return { spec, inventory, plan: plan(spec, inventory) };
}

describe("429 storm with Retry-After", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(80, {}, 31);
  });
  afterAll(() => lab?.emu.stop());

  it("waits, converges, and keeps to the write budget", async () => {
    const { spec, inventory, plan: p } = await freshPlan(lab);
    await lab.emu.admin("POST", "/admin/faults", { seed: 3, throttle: { write: { rate: 0.5, retryAfterSeconds: 1 } } });
    await lab.emu.admin("POST", "/admin/counters/reset");
    const budget = { capacity: 5, refillPerSecond: 20 };
    const result = await applyPlan(lab.conn, p, { inventory, concurrency: 16, writes: budget, pollIntervalMs: 10 });
    const counters = await lab.emu.admin<Counters>("GET", "/admin/counters");
    await lab.emu.admin("DELETE", "/admin/faults");
    console.log(`429 storm: ${p.steps.length} steps, ${counters.byStatus["429"] ?? 0} answered 429, result ${JSON.stringify(result.counts)}`);
    expect(counters.byStatus["429"]).toBeGreaterThan(20);
    expect(result.counts).toEqual({ done: p.steps.length, "already-done": 0, failed: 0, skipped: 0 });
    // The budget is ARM's, per subscription: in any second, at most capacity + refill writes to one subscription left the executor.
    const log = await lab.emu.admin<{ value: { at: string; source: string; machineId: string }[] }>("GET", "/admin/extension-puts");
    let worst = 0;
    const bySubscription = new Map<string, number[]>();
    for (const e of log.value.filter((x) => x.source === "arm")) {
      const sub = e.machineId.split("/")[2]!.toLowerCase();
      (bySubscription.get(sub) ?? bySubscription.set(sub, []).get(sub)!).push(Date.parse(e.at));
    }
    for (const times of bySubscription.values()) {
      times.sort((a, b) => a - b);
      for (let i = 0, j = 0; i < times.length; i++) {
        while (times[i]! - times[j]! > 1000) j++;
        worst = Math.max(worst, i - j + 1);
      }
    }
    expect(worst).toBeLessThanOrEqual(budget.capacity + budget.refillPerSecond);
    expect(plan(spec, await readInventory(lab.conn, spec.subscriptions)).steps).toEqual([]);
  });
});

describe("500s and dropped connections", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(60, {}, 32);
  });
  afterAll(() => lab?.emu.stop());

  it("retries with backoff and converges", async () => {
    const { spec, inventory, plan: p } = await freshPlan(lab);
    await lab.emu.admin("POST", "/admin/faults", {
      seed: 4,
      serverErrors: { write: { rate: 0.25, status: 500 }, read: { rate: 0.1, status: 503 } },
      scripted: [{ class: "write", drop: true, count: 3 }],
    });
    await lab.emu.admin("POST", "/admin/counters/reset");
    const result = await applyPlan(lab.conn, p, { inventory, concurrency: 8, writes: { capacity: 100, refillPerSecond: 100 }, pollIntervalMs: 10, retry: { baseDelayMs: 20, maxTransientAttempts: 10 } });
    const counters = await lab.emu.admin<Counters>("GET", "/admin/counters");
    const faults = await lab.emu.admin<{ injected: number }>("GET", "/admin/faults");
    await lab.emu.admin("DELETE", "/admin/faults");
    console.log(`500s: ${p.steps.length} steps, ${faults.injected} faults injected (${JSON.stringify(counters.byStatus)}), result ${JSON.stringify(result.counts)}`);
    for (const r of result.results.filter((x) => x.status === "failed")) console.log(`failed: ${r.step.id}: ${r.error}`);
    expect(faults.injected).toBeGreaterThan(10);
    expect(result.counts.failed + result.counts.skipped).toBe(0);
    expect(plan(spec, await readInventory(lab.conn, spec.subscriptions)).steps).toEqual([]);
    expect(await duplicatePuts(lab.emu)).toEqual([]);
  });
});

describe("every write answered 503 (an outage of the write path)", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(20, {}, 34);
  });
  afterAll(() => lab?.emu.stop());

  it("each step retries until the give-up deadline, then the whole apply stops once: nothing failed on its own", async () => {
    const { plan: p, inventory } = await freshPlan(lab);
    const first = p.steps.filter((s) => s.dependsOn.length === 0).length;
    await lab.emu.admin("POST", "/admin/faults", { serverErrors: { write: { rate: 1, status: 503 } } });
    await lab.emu.admin("POST", "/admin/counters/reset");
    const told: number[] = [];
    // Short backoffs and window: the shape of `--give-up-after 60` (user trial 17) in a few seconds.
    const result = await applyPlan(lab.conn, p, {
      inventory,
      writes: { capacity: 1000, refillPerSecond: 1000 },
      pollIntervalMs: 10,
      giveUpAfterMs: 3000,
      retry: { baseDelayMs: 20, maxDelayMs: 200, onRetry: (i) => void told.push(i.status ?? 0) },
    });
    const counters = await lab.emu.admin<Counters & { byClass: Record<string, number> }>("GET", "/admin/counters");
    await lab.emu.admin("DELETE", "/admin/faults");
    const writes = counters.byClass.write ?? 0;
    console.log(`503 on every write: ${p.steps.length} steps (${first} without dependencies), ${writes} write attempts, ${JSON.stringify(result.counts)}; ${result.aborted}`);
    expect(result.aborted).toBe("gave up: ARM answered nothing but transient errors (5xx, network) to writes for 3 s");
    // Before: each step failed alone after 6 attempts and the apply was not stopped.
    expect(result.counts.failed).toBe(0);
    expect(result.counts.skipped).toBe(p.steps.length);
    // Every 503 was retried (the emulator's Retry-After: 1 s is the least wait), but those the stop cut: one per step in flight.
    const retried = result.retries.transient["503"]!;
    expect(retried).toBe(told.filter((s) => s === 503).length);
    expect(retried).toBeLessThanOrEqual(writes);
    expect(retried).toBeGreaterThanOrEqual(writes - Math.min(first, 16));
    expect(retried).toBeGreaterThan(Math.min(first, 16));
  });
});

describe("terminal errors", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab(30, {}, 33);
  });
  afterAll(() => lab?.emu.stop());

  it("AuthorizationFailed is not retried: the step fails once, its dependents are skipped, the rest goes on", async () => {
    const { plan: p, inventory } = await freshPlan(lab);
    const victim = p.steps.find((s) => s.action === "install-extension")!;
    const vmName = String(victim.details.machineId).split("/").pop()!;
    await lab.emu.admin("POST", "/admin/faults", {
      scripted: [
        {
          class: "write",
          method: "PUT",
          pathContains: `/${vmName}/extensions/`,
          respond: { status: 403, body: JSON.stringify({ error: { code: "AuthorizationFailed", message: "The client does not have authorization to perform action 'Microsoft.Compute/virtualMachines/extensions/write'." } }) },
          count: 5,
        },
      ],
    });
    const result = await applyPlan(lab.conn, p, { inventory, writes: { capacity: 100, refillPerSecond: 100 }, pollIntervalMs: 10 });
    const faults = await lab.emu.admin<{ injected: number }>("GET", "/admin/faults");
    await lab.emu.admin("DELETE", "/admin/faults");
    const r = result.results.find((x) => x.step.id === victim.id)!;
    expect(r.status).toBe("failed");
    expect(faults.injected).toBe(1); // one attempt, no retry
    expect(result.counts.done).toBe(p.steps.length - 1);
  });
});
