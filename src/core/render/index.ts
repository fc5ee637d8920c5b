import type { Catalog } from "../catalog";
import { planJsonPieces, planNdjsonPieces } from "../planfile/write";
import type { RenderedPlan } from "./facts";
import { renderJson } from "./json";
import { markdownPieces, renderMarkdown, type MarkdownOptions } from "./markdown";
import { joinPieces, pipe, type ChunkWriter, type Pieces } from "./sink";
import { renderText, textPieces, type TextOptions } from "./text";

export { renderJson, renderMarkdown, renderText };
export {
  changedMachineCount,
  changedMachines,
  DECISION_MEANING,
  machineLocator,
  machineOf,
  machineReader,
  shortName,
  stepLabel,
  stepMachineIndices,
  stepsBySubscription,
  subscriptionsOf,
  type RenderedPlan,
  type RenderedStep,
} from "./facts";
export { componentCounts, targetsWord, type ComponentCounts, type ComponentDecisionCount } from "./components";
export { GITHUB_COMMENT_LIMIT, MARKDOWN_MARKER, MIN_MARKDOWN_CHARS, type MarkdownOptions } from "./markdown";
export { joinPieces, pipe, streamWriter, writeFileAtomically, type ChunkWriter, type Pieces } from "./sink";
export type { TextOptions } from "./text";

export const PLAN_FORMATS = ["text", "json", "ndjson", "markdown"] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** What the renderers take besides the plan; each uses its own part. */
export interface RenderOptions extends Omit<MarkdownOptions, "catalog">, Omit<TextOptions, "catalog"> {
  readonly catalog?: Catalog;
  /** Written in the plan file's header (json, ndjson). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** The plan in `format`, piece by piece. */
export function planPieces(plan: RenderedPlan, format: PlanFormat, options: RenderOptions = {}): Pieces {
  switch (format) {
    case "text":
      return textPieces(plan, options);
    case "json":
      return planJsonPieces(plan, options);
    case "ndjson":
      return planNdjsonPieces(plan, options);
    case "markdown":
      return markdownPieces(plan, options);
  }
}

/** Writes the plan in `format` as it is produced (no whole-plan string). */
export function writePlan(plan: RenderedPlan, format: PlanFormat, write: ChunkWriter, options: RenderOptions = {}): Promise<void> {
  return pipe(planPieces(plan, format, options), write);
}

/** The plan in `format` as one string: small plans and tests (writePlan streams). */
export function renderPlan(plan: RenderedPlan, format: PlanFormat, catalog?: Catalog, options: RenderOptions = {}): string {
  return joinPieces(planPieces(plan, format, { ...options, catalog: catalog ?? options.catalog }));
}
