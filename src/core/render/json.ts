/** The plan contract as JSON (src/core/planfile/format.ts); equal plans are byte-equal. */
import type { Catalog } from "../catalog";
import { planJsonPieces } from "../planfile/write";
import type { RenderedPlan } from "./facts";
import { joinPieces } from "./sink";

/** The whole plan file as one string: for tests and small plans (`writePlan` streams). */
export function renderJson(plan: RenderedPlan, catalog?: Catalog): string {
  return joinPieces(planJsonPieces(plan, { catalog }));
}
