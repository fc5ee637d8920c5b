/** The plan contract as JSON (DESIGN.md "Plan"); stable key order, so equal plans are byte-equal. */
import type { Plan } from "../types";

export function renderJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + "\n";
}
