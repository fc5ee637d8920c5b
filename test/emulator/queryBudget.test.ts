/**
 * The query budget counts the query's own work: a query interrupted while the process was starved
 * of CPU (other processes ran) is run once more with the time its share would need; a query that
 * had the CPU and still overran is refused. Clocks are given, so the test does not depend on load.
 */
import { QueryBudgetExceeded, withinBudget, type BudgetClock } from "../../src/emulator/kql/budget";

/** A clock whose CPU time advances `share` of its wall time; the wall time is the real one. */
function clockWithShare(share: number): BudgetClock {
  const start = performance.now();
  return { wallMs: () => performance.now(), cpuMs: () => (performance.now() - start) * share };
}

/** Busy for `ms` of wall time (the vm timeout interrupts it when it overruns). */
function busy(ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}

describe("the query budget", () => {
  it("refuses a query that had the CPU and overran", () => {
    let runs = 0;
    expect(() => withinBudget(50, () => (runs++, busy(400)), clockWithShare(1))).toThrow(QueryBudgetExceeded);
    expect(runs).toBe(1);
  });

  it("runs a starved query once more, with the time its share of the CPU needs", () => {
    let runs = 0;
    // A quarter of the CPU: the second run gets 4 budgets (200 ms) and the query needs 120 ms.
    expect(withinBudget(50, () => (runs++, busy(120), "done"), clockWithShare(0.25))).toBe("done");
    expect(runs).toBe(2);
  });

  it("gives a starved query at most 10 budgets, then refuses it naming the budget", () => {
    let runs = 0;
    const run = () => withinBudget(20, () => (runs++, busy(400)), clockWithShare(0.01));
    expect(run).toThrow("evaluation budget of 20 ms");
    expect(runs).toBe(2);
  });

  it("a catastrophic regular expression is still interrupted", () => {
    const evil = /^(a+)+$/;
    expect(() => withinBudget(50, () => evil.test("a".repeat(40) + "!"), clockWithShare(1))).toThrow(QueryBudgetExceeded);
  });
});
