/** The plan contract as JSON (DESIGN.md "Plan"); stable key order, so equal plans are byte-equal. */
export function renderJson(plan: unknown): string {
  return JSON.stringify(plan, null, 2) + "\n";
}
