/**
 * The watch's memory of what its rounds wrote (issue 17 item 3): a remembered step proposed again
 * is confirmed with its check and left out when done or running, sent again when absent; what a
 * kept step depends on stays; steps are forgotten once no plan proposes them or after the memory's
 * time.
 */
import { RecentWrites, type StepChecker } from "../../src/azure/recentWrites";
import type { ApplyResult } from "../../src/azure/apply";
import type { LiveState } from "../../src/core/kernel";
import type { Plan, Step } from "../../src/core";

function step(id: string, dependsOn: string[] = []): Step {
  return { id, action: "install-extension", target: `/subscriptions/s/x/${id}`, dependsOn, details: { n: id } as never };
}

function planOf(steps: Step[]): Plan {
  return { version: 1, machines: [], steps, findings: [], summary: { machines: 0, decisions: {}, steps: steps.length, actions: { "install-extension": steps.length }, findings: {} } };
}

function applied(done: Step[], failed: Step[] = []): ApplyResult {
  const results = [...done.map((s) => ({ step: s, status: "done" as const })), ...failed.map((s) => ({ step: s, status: "failed" as const, error: "x" }))];
  return { results, counts: { done: done.length, "already-done": 0, failed: failed.length, skipped: 0 }, writes: done.length, retries: { throttled: 0, longestRetryAfterMs: 0, transient: {} }, delegated: [], delegationSteps: [] };
}

class Live implements StepChecker {
  readonly checked: string[] = [];
  constructor(private readonly states: Record<string, LiveState>) {}
  async check(s: Step): Promise<LiveState> {
    this.checked.push(s.id);
    return this.states[s.id] ?? "absent";
  }
}

const [a, b, c, d] = [step("a"), step("b"), step("c"), step("d")];

test("remembered steps that ARM shows done or running are left out; absent ones and failed writes are sent again; new steps are not checked", async () => {
  const recent = new RecentWrites();
  recent.note(applied([a, b, c], [d]));
  const live = new Live({ a: "done", b: "in-progress", c: "absent" });
  const out = await recent.confirm(planOf([a, b, c, d, step("e")]), live);
  expect(out.plan.steps.map((s) => s.id)).toEqual(["c", "d", "e"]);
  expect(out).toMatchObject({ confirmed: 2, checked: 3 });
  expect(out.plan.summary).toMatchObject({ steps: 3, actions: { "install-extension": 3 } });
  expect(live.checked.sort()).toEqual(["a", "b", "c"]);
});

test("a confirmed step that a kept step depends on stays (its outputs are needed)", async () => {
  const assign = step("assign");
  const grant = step("grant", ["assign"]);
  const recent = new RecentWrites();
  recent.note(applied([assign]));
  const out = await recent.confirm(planOf([assign, grant]), new Live({ assign: "done" }));
  expect(out.plan.steps.map((s) => s.id)).toEqual(["assign", "grant"]);
  expect(out.confirmed).toBe(0);
});

test("a step is forgotten once a plan no longer proposes it (Resource Graph caught up), or after the memory's time", async () => {
  let now = 0;
  const recent = new RecentWrites(60_000, () => now);
  recent.note(applied([a, b]));
  await recent.confirm(planOf([b]), new Live({ b: "done" }));
  expect(recent.size).toBe(1);
  now = 60_001;
  const live = new Live({ b: "done" });
  const out = await recent.confirm(planOf([b]), live);
  expect(recent.size).toBe(0);
  expect(live.checked).toEqual([]);
  expect(out.plan.steps.map((s) => s.id)).toEqual(["b"]);
});

test("a check that fails leaves the step in", async () => {
  const recent = new RecentWrites();
  recent.note(applied([a]));
  const out = await recent.confirm(planOf([a]), { check: () => Promise.reject(new Error("503")) });
  expect(out.plan.steps.map((s) => s.id)).toEqual(["a"]);
});
