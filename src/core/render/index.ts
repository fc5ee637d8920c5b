import type { Catalog } from "../catalog";
import type { RenderedPlan } from "./facts";
import { renderJson } from "./json";
import { renderMarkdown } from "./markdown";
import { renderText } from "./text";

export { renderJson, renderMarkdown, renderText };
export { changedMachines, DECISION_MEANING, machineOf, shortName, stepLabel, stepsBySubscription, subscriptionsOf, type RenderedPlan, type RenderedStep } from "./facts";
export { MARKDOWN_MARKER } from "./markdown";
export const PLAN_FORMATS = ["text", "json", "markdown"] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export function renderPlan(plan: RenderedPlan, format: PlanFormat, catalog?: Catalog): string {
  switch (format) {
    case "text":
      return renderText(plan, catalog);
    case "json":
      return renderJson(plan);
    case "markdown":
      return renderMarkdown(plan, catalog);
  }
}
