import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { executePlan, type LiveState, type StepContext, type StepRunner } from "../../src/azure/executor";
import { Journal, KEPT_COMPLETED_JOURNALS } from "../../src/azure/journal";
import type { Plan, Step } from "../../src/core";

function step(id: string, dependsOn: string[] = []): Step {
  return { id, action: "install-extension", target: `/subscriptions/s/x/${id}`, dependsOn, details: { n: id } as never };
}

function planOf(steps: Step[]): Plan {
  return { version: 1, machines: [], steps, findings: [], summary: { machines: 0, decisions: {}, steps: steps.length, actions: {}, findings: {} } };
}

class FakeRunner implements StepRunner {
  readonly ran: string[] = [];
  readonly checked: string[] = [];
  running = 0;
  maxRunning = 0;
  live = new Map<string, LiveState>();
  failing = new Map<string, Error>();
  async run(s: Step, _ctx?: StepContext) {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await new Promise((r) => setTimeout(r, 2));
    this.running--;
    const err = this.failing.get(s.id);
    if (err) throw err;
    this.ran.push(s.id);
    this.live.set(s.id, "done");
    return { principalId: `p-${s.id}` };
  }
  async check(s: Step) {
    this.checked.push(s.id);
    return this.live.get(s.id) ?? "absent";
  }
  async wait(s: Step) {
    this.live.set(s.id, "done");
    return { waited: s.id };
  }
}

const armError = (statusCode: number, code: string) => Object.assign(new Error(`${code} happened`), { statusCode, code });

describe("executePlan", () => {
  it("runs steps after their dependencies, with bounded concurrency", async () => {
    const steps = [step("a"), step("b", ["a"]), ...Array.from({ length: 10 }, (_, i) => step(`m${i}`, ["b"]))];
    const runner = new FakeRunner();
    const r = await executePlan(planOf(steps), runner, { concurrency: 3 });
    expect(runner.ran.slice(0, 2)).toEqual(["a", "b"]);
    expect(runner.ran).toHaveLength(12);
    expect(runner.maxRunning).toBeLessThanOrEqual(3);
    expect(runner.maxRunning).toBeGreaterThan(1);
    expect(r.counts).toEqual({ done: 12, "already-done": 0, failed: 0, skipped: 0 });
  });

  it("passes a dependency's outputs to the steps after it", async () => {
    const seen: unknown[] = [];
    const runner = new FakeRunner();
    const origRun = runner.run.bind(runner);
    runner.run = async (s, ctx) => {
      if (s.id === "grant") seen.push(ctx?.outputs.get("assign"));
      return origRun(s);
    };
    await executePlan(planOf([step("assign"), step("grant", ["assign"])]), runner);
    expect(seen).toEqual([{ principalId: "p-assign" }]);
  });

  it("skips the dependents of a failed step and goes on with the rest", async () => {
    const runner = new FakeRunner();
    runner.failing.set("ws", armError(400, "InvalidTemplate"));
    const r = await executePlan(planOf([step("ws"), step("m1", ["ws"]), step("m2", ["m1"]), step("other")]), runner);
    expect(r.results.map((x) => [x.step.id, x.status])).toEqual([["ws", "failed"], ["m1", "skipped"], ["m2", "skipped"], ["other", "done"]]);
    expect(r.results[0]!.error).toBe("InvalidTemplate, HTTP 400: InvalidTemplate happened");
    expect(r.results[1]!.error).toBe("depends on ws, which failed");
  });

  it("stops starting steps after a credential error", async () => {
    const runner = new FakeRunner();
    runner.failing.set("a", armError(401, "InvalidAuthenticationToken"));
    const r = await executePlan(planOf([step("a"), step("b", ["a"]), step("c", ["a"])]), runner, { concurrency: 1 });
    expect(r.aborted).toMatch(/InvalidAuthenticationToken/);
    expect(runner.ran).toEqual([]);
  });

  it("stops starting new steps when interrupted, reporting the rest as skipped", async () => {
    const ac = new AbortController();
    const runner = new FakeRunner();
    const r = await executePlan(planOf([step("a"), step("b", ["a"]), step("c", ["b"])]), runner, {
      signal: ac.signal,
      onStep: (res) => res.step.id === "a" && ac.abort(),
    });
    expect(r.results.map((x) => x.status)).toEqual(["done", "skipped", "skipped"]);
    expect(r.results[1]!.error).toBe("interrupted");
  });
});

describe("journal and resume", () => {
  const dir = mkdtempSync(join(tmpdir(), "journal-"));

  it("records start and done for each step, fsynced lines of JSON", async () => {
    const path = join(dir, "j1.jsonl");
    const journal = new Journal(path);
    await executePlan(planOf([step("a")]), new FakeRunner(), { journal });
    journal.close();
    const lines = readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event)).toEqual(["start", "done"]);
    expect(lines[1].outputs).toEqual({ principalId: "p-a" });
  });

  it("a step an earlier run started is checked first and not sent again when it landed", async () => {
    const path = join(dir, "j2.jsonl");
    const s = [step("a"), step("b")];
    const first = new Journal(path);
    first.record(s[0]!, "start"); // killed right after sending a
    first.close();
    const runner = new FakeRunner();
    runner.live.set("a", "done"); // the PUT had landed
    const r = await executePlan(planOf(s), runner, { journal: new Journal(path) });
    expect(runner.checked).toEqual(["a"]);
    expect(runner.ran).toEqual(["b"]);
    expect(r.counts["already-done"]).toBe(1);
  });

  it("a long-running operation in flight is waited for, never sent twice", async () => {
    const path = join(dir, "j3.jsonl");
    const s = step("a");
    const first = new Journal(path);
    first.record(s, "start");
    first.record(s, "sent");
    first.close();
    const runner = new FakeRunner();
    runner.live.set("a", "in-progress");
    const r = await executePlan(planOf([s]), runner, { journal: new Journal(path) });
    expect(runner.ran).toEqual([]);
    expect(r.results[0]!.status).toBe("already-done");
  });

  it("a started step that never landed is sent", async () => {
    const path = join(dir, "j4.jsonl");
    const s = step("a");
    const first = new Journal(path);
    first.record(s, "start");
    first.close();
    const runner = new FakeRunner();
    await executePlan(planOf([s]), runner, { journal: new Journal(path) });
    expect(runner.ran).toEqual(["a"]);
  });

  it("ignores a torn last line and archives a completed journal", () => {
    const path = join(dir, "j5.jsonl");
    const j = new Journal(path);
    j.record(step("a"), "done");
    j.close();
    appendFileSync(path, '{"event":"sta');
    const again = new Journal(path);
    expect(again.previous(step("a"))?.event).toBe("done");
    again.complete();
    expect(existsSync(path)).toBe(false);
  });

  it("keeps the newest completed journals only (a watch completes one per round)", () => {
    const own = mkdtempSync(join(tmpdir(), "journal-prune-"));
    const path = join(own, "apply.jsonl");
    // Older completed journals, another journal's, and an unrelated file.
    for (let i = 0; i < KEPT_COMPLETED_JOURNALS + 5; i++) writeFileSync(`${path}.${1_000_000 + i}.done`, "");
    writeFileSync(join(own, "other.jsonl.1000000.done"), "");
    writeFileSync(join(own, "notes.txt"), "");
    const j = new Journal(path);
    j.record(step("a"), "done");
    j.complete();
    const left = readdirSync(own).sort();
    const completed = left.filter((f) => f.startsWith("apply.jsonl.") && f.endsWith(".done"));
    expect(completed).toHaveLength(KEPT_COMPLETED_JOURNALS);
    // The one just completed (a Date.now() stamp) is kept; the oldest ones went.
    expect(completed.filter((f) => Number(f.split(".")[2]) > 1e12)).toHaveLength(1);
    expect(completed).not.toContain(`apply.jsonl.${1_000_000}.done`);
    expect(left).toEqual(expect.arrayContaining(["other.jsonl.1000000.done", "notes.txt"]));
  });

  it("a changed step is a new step (the fingerprint covers its details)", () => {
    const path = join(dir, "j6.jsonl");
    const j = new Journal(path);
    j.record(step("a"), "done");
    expect(j.previous({ ...step("a"), details: { n: "other workspace" } as never })).toBeUndefined();
  });
});
