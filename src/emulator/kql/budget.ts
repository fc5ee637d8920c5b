/**
 * A time budget for evaluating a query. Queries run on the server's only thread, so a
 * catastrophic regular expression (`matches regex`, `extract`) or an exploding `mv-expand` would
 * stall every other client. The evaluation runs in a `vm` script with a timeout: V8 interrupts
 * it wherever it is, regular-expression backtracking included, and nothing is left half done
 * because evaluation only reads its input table.
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

/** Runs `fn` (synchronous) within `budgetMs`; throws QueryBudgetExceeded when it takes longer. */
export function withinBudget<T>(budgetMs: number, fn: () => T): T {
  slot.task = fn;
  try {
    return script.runInContext(context, { timeout: Math.max(1, Math.floor(budgetMs)) }) as T;
  } catch (err) {
    if ((err as { code?: string } | null)?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") throw new QueryBudgetExceeded(budgetMs);
    throw err;
  } finally {
    slot.task = null;
  }
}
