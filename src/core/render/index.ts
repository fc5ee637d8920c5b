import type { Plan } from "../types";
import { renderJson } from "./json";
import { renderMarkdown } from "./markdown";
import { renderText } from "./text";

export { renderJson, renderMarkdown, renderText };
export const PLAN_FORMATS = ["text", "json", "markdown"] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export function renderPlan(plan: Plan, format: PlanFormat): string {
  switch (format) {
    case "text":
      return renderText(plan);
    case "json":
      return renderJson(plan);
    case "markdown":
      return renderMarkdown(plan);
  }
}
