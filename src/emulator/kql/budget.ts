/**
 * A time budget for evaluating a query. Queries run on the server's only thread, so a
 * catastrophic regular expression (`matches regex`, `extract`) or an exploding `mv-expand` would
 * stall every other client. The evaluation runs in a `vm` script with a timeout: V8 interrupts
 * it wherever it is, regular-expression backtracking included, and nothing is left half done
 * because evaluation only reads its input table.
 *
 * V8's timeout counts wall time. On a machine other processes keep busy (a CI beside a benchmark,
 * load 9 on 2 cores) a query that needs 1 s of CPU can wait 5 s for it: the budget is for the
 * query's own work, so a query interrupted while the process got less than half of the time is
 * run once more (it only reads), with the time that share of the CPU would need, up to 10 budgets.
 */
import vm from "node:vm";

export class QueryBudgetExceeded extends Error {
  constructor(readonly budgetMs: number) {
    super(`The query did not finish within the emulator's evaluation budget of ${budgetMs} ms (a catastrophic regular expression, or too much data); simplify it.`);
    this.name = "QueryBudgetExceeded";
  }
}

const slot: { task: (() => unknown) | null } = { task: null };
const context = vm.createContext(slot);
const script = new vm.Script("task()");

/** The most a starved query is given, in budgets. */
const MAX_STRETCH = 10;

/** What the budget reads: the process's CPU milliseconds and the wall clock's (a test gives its own). */
export interface BudgetClock {
  cpuMs(): number;
  wallMs(): number;
}

const PROCESS_CLOCK: BudgetClock = {
  cpuMs: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  },
  wallMs: () => performance.now(),
};

/** Runs `fn` (synchronous) within `budgetMs` of its own work; throws QueryBudgetExceeded when it takes longer. */
export function withinBudget<T>(budgetMs: number, fn: () => T, clock: BudgetClock = PROCESS_CLOCK): T {
  const [cpu0, wall0] = [clock.cpuMs(), clock.wallMs()];
  try {
    return run(budgetMs, fn);
  } catch (err) {
    if (!(err instanceof QueryBudgetExceeded)) throw err;
    const [cpu, wall] = [clock.cpuMs() - cpu0, clock.wallMs() - wall0];
    // The process had most of the time it waited: the query itself is too slow.
    if (cpu >= wall / 2) throw err;
    const share = Math.max(cpu, 1) / Math.max(wall, 1);
    return run(Math.min(budgetMs / share, budgetMs * MAX_STRETCH), fn, budgetMs);
  }
}

function run<T>(timeoutMs: number, fn: () => T, budgetMs = timeoutMs): T {
  slot.task = fn;
  try {
    return script.runInContext(context, { timeout: Math.max(1, Math.floor(timeoutMs)) }) as T;
  } catch (err) {
    if ((err as { code?: string } | null)?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") throw new QueryBudgetExceeded(budgetMs);
    throw err;
  } finally {
    slot.task = null;
  }
}
