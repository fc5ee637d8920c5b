/**
 * The coverage report (`asc-autoprovision report`): figures in model.ts, the covered rule in
 * coverage.ts, the page in html.ts. Pure functions; the command does the file I/O.
 */
import { renderReportHtml } from "./html";
import type { Report } from "./model";

export * from "./coverage";
export * from "./gates";
export * from "./headline";
export * from "./model";
export { renderReportHtml };

/** Formats written as text; png is made from the html by the command (headless Chromium). */
export const REPORT_TEXT_FORMATS = ["html", "json"] as const;
export type ReportTextFormat = (typeof REPORT_TEXT_FORMATS)[number];

export function renderReportJson(report: Report): string {
  return JSON.stringify(report, null, 2) + "\n";
}

export function renderReport(report: Report, format: ReportTextFormat): string {
  return format === "html" ? renderReportHtml(report) : renderReportJson(report);
}
