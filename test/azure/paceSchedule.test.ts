/**
 * Issue 15 item 6: the scheduler keeps every subscription's write bucket busy. An apply over three
 * subscriptions with ARM's buckets runs on a virtual clock (the buckets' and the runner's waits
 * advance it, nothing sleeps): writes are counted per subscription and bucket-second, and the
 * chains that end in a long wait spending no budget (a policy assignment, its role, its
 * remediation task followed for minutes) are started early enough to end within the writes.
 */
import { ArmBudgets, ARM_BUCKETS, subscriptionOfUrl } from "../../src/azure/budget";
import { executePlan, type StepContext, type StepRunner } from "../../src/azure/executor";
import { chainRanks, ReadyQueue } from "../../src/azure/readyQueue";
import type { Plan, Step } from "../../src/core";

/** Time that moves only when every promise is waiting on it: one timer at a time, earliest first. */
class VirtualClock {
  now = 0;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;

  readonly sleep = (ms: number): Promise<void> => new Promise((resolve) => this.timers.push({ at: this.now + ms, seq: this.seq++, resolve }));

  async runUntil<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    void work.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (settled) return work;
      if (!this.timers.length) throw new Error("deadlock: nothing to wait for");
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const t = this.timers.shift()!;
      this.now = Math.max(this.now, t.at);
      t.resolve();
    }
  }
}

const SUBS = ["sub-a", "sub-b", "sub-c"];
const MACHINES = 300;
const PUT_MS = 200;
const REMEDIATION_MS = 20_000;

/** A step as the planner makes it: a machine's steps name their machine (`machineId`). */
function st(sub: string, action: string, id: string, dependsOn: string[] = []): Step {
  const details = id.startsWith("vm") ? { machineId: `/subscriptions/${sub}/x/${id}` } : {};
  return { id: `${action}:${sub}/${id}`, action, target: `/subscriptions/${sub}/x/${id}`, dependsOn, details } as unknown as Step;
}

/** Like the planner's: per subscription, identity then agent per machine; the policy chain last. */
function fleetPlan(): Plan {
  const steps: Step[] = [];
  for (const sub of SUBS) {
    for (let i = 0; i < MACHINES; i++) {
      const identity = st(sub, "enable-identity", `vm${i}`);
      steps.push(identity, st(sub, "install-extension", `vm${i}`, [identity.id]));
    }
  }
  for (const sub of SUBS) {
    const assign = st(sub, "assign-policy", "policy");
    const grant = st(sub, "grant-role", "role", [assign.id]);
    steps.push(assign, grant, st(sub, "create-remediation", "remediation", [assign.id, grant.id]));
  }
  return { version: 1, machines: [], steps, findings: [], summary: { machines: 0, decisions: {}, steps: steps.length, actions: {}, findings: {} } } as Plan;
}

async function applyOnVirtualClock(withBudgetAwareness: boolean) {
  const clock = new VirtualClock();
  const budgets = new ArmBudgets(ARM_BUCKETS, { now: () => clock.now, sleep: clock.sleep });
  const writes: { sub: string; action: string; at: number }[] = [];
  let end = 0;
  const runner: StepRunner = {
    async run(s: Step, ctx: StepContext) {
      const sub = subscriptionOfUrl(s.target);
      await budgets.take("write", sub);
      writes.push({ sub, action: s.action, at: clock.now });
      await clock.sleep(PUT_MS);
      await ctx.accepted();
      // Followed without a slot and without spending the write budget.
      if (s.action === "create-remediation") await clock.sleep(REMEDIATION_MS);
      end = Math.max(end, clock.now);
    },
    check: async () => "absent",
    wait: async () => undefined,
  };
  const result = await clock.runUntil(
    executePlan(fleetPlan(), runner, {
      concurrency: 16,
      ...(withBudgetAwareness ? { writeReadyIn: (sub: string, inSlot: number) => budgets.bucket("write", sub).readyIn(inSlot) } : {}),
    }),
  );
  return { result, writes, end };
}

describe("the scheduler keeps each subscription's write bucket busy (virtual clock)", () => {
  it.each([true, false])("every bucket-second after the burst carries the bucket's refill, and the run ends with the writes (budget-aware: %s)", async (aware) => {
    const { result, writes, end } = await applyOnVirtualClock(aware);
    expect(result.counts.done).toBe(SUBS.length * (2 * MACHINES + 3));
    const { capacity, refillPerSecond } = ARM_BUCKETS.write;
    const perSub = 2 * MACHINES + 3;
    const allowedMs = ((perSub - capacity) / refillPerSecond) * 1000;
    for (const sub of SUBS) {
      const times = writes.filter((w) => w.sub === sub).map((w) => w.at);
      expect(times).toHaveLength(perSub);
      const perSecond = new Map<number, number>();
      for (const t of times) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
      const last = Math.floor(Math.max(...times) / 1000);
      // The burst is spent as fast as the slots answer (its tokens are not lost meanwhile: the
      // bucket is below its cap); from the second it is spent, each second carries the refill.
      let sent = 0;
      let spent = -1;
      for (let s = 0; s <= last && spent < 0; s++) if ((sent += perSecond.get(s) ?? 0) >= capacity + refillPerSecond * s) spent = s;
      expect(spent).toBeGreaterThanOrEqual(0);
      const idle = [];
      for (let s = spent + 1; s < last; s++) if ((perSecond.get(s) ?? 0) < refillPerSecond) idle.push(s);
      expect(idle).toEqual([]);
      // So the last write goes when ARM's budget allows it, not later.
      expect(Math.max(...times)).toBeLessThanOrEqual(allowedMs);
    }
    // The remediations were started among the first writes, so the run ends with the last write's
    // answer instead of a remediation followed alone after every bucket was through.
    const remediations = writes.filter((w) => w.action === "create-remediation");
    expect(remediations).toHaveLength(SUBS.length);
    for (const r of remediations) expect(r.at).toBeLessThan(allowedMs - REMEDIATION_MS);
    expect(end).toBeLessThanOrEqual(allowedMs + PUT_MS);
  });
});

describe("ready steps", () => {
  const plain = (sub: string, id: string, dependsOn: string[] = []) => st(sub, "install-extension", id, dependsOn);

  it("rank each step by the longest chain after it", () => {
    const a = plain("s", "a");
    const b = plain("s", "b", [a.id]);
    const c = plain("s", "c", [b.id]);
    const d = plain("s", "d", [a.id]);
    const e = plain("s", "e");
    const steps = [d, c, b, a, e];
    const dependents = new Map<string, string[]>();
    for (const x of steps) for (const dep of x.dependsOn) dependents.set(dep, [...(dependents.get(dep) ?? []), x.id]);
    const ranks = chainRanks(steps, dependents);
    expect(Object.fromEntries([...ranks].map(([id, r]) => [id.split("/")[1], r]))).toEqual({ a: 3, b: 2, c: 1, d: 1, e: 1 });
    // A cycle (which never runs) ends the walk instead of looping.
    const cyclic = chainRanks([a, b], new Map([[a.id, [b.id]], [b.id, [a.id]]]));
    expect([...cyclic.values()].every((r) => r >= 1 && r <= 2)).toBe(true);
  });

  it("a slot takes the longest chain of its subscription first, then plan order", () => {
    const q = new ReadyQueue([plain("s", "m1"), plain("s", "m2"), plain("s", "policy")], { rank: (s) => (s.id.endsWith("policy") ? 3 : 2) });
    expect([q.shift(), q.shift(), q.shift()].map((s) => s!.id.split("/")[1])).toEqual(["policy", "m1", "m2"]);
  });

  it("a slot goes to the subscription whose bucket has a token for it, counting the steps already in a slot", () => {
    // a's bucket is empty (its next token in 100 ms); b's holds 2 tokens.
    const tokens: Record<string, number> = { a: 0, b: 2 };
    const readyIn = (sub: string, inSlot: number) => (tokens[sub]! > inSlot ? 0 : (inSlot + 1 - tokens[sub]!) * 100);
    const q = new ReadyQueue(["a1", "b1", "a2", "b2", "b3"].map((id) => plain(id[0]!, id)), { rank: () => 1, writeReadyIn: readyIn });
    const taken = [q.shift(), q.shift(), q.shift()].map((s) => s!.id.split("/")[1]);
    // b's two tokens go first; then a's next token (100 ms) comes before b's third (100 ms, a's turn first).
    expect(taken).toEqual(["b1", "b2", "a1"]);
    q.released(plain("b", "b1"));
    expect(q.shift()!.id.split("/")[1]).toBe("b3");
  });
});
