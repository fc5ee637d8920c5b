/**
 * The scope in one line, for the text and the markdown: which management groups, how many
 * subscriptions they resolved to, and what is excluded (counts and a few names). Short whatever the
 * spec: the markdown keeps it within its budget.
 */
import type { ScopeSummary } from "../kernel";
import { SCOPE_WITHOUT_SUBSCRIPTIONS } from "../kernel";
import type { RenderedFinding } from "./facts";

/** Names shown per list before "+N more". */
const NAMES = 3;
/** Characters of a name at most (a group's name may be 90). */
const NAME_CHARS = 40;

/** The line's text after its "Scope:" label. */
export function scopeLine(s: ScopeSummary): string {
  const parts: string[] = [];
  if (s.managementGroups.length) {
    const groups = s.managementGroups.map((g) => `${clip(g.name)} (${g.subscriptions === null ? "?" : g.subscriptions})`);
    parts.push(`management group${s.managementGroups.length === 1 ? "" : "s"} ${some(groups)}${s.listed ? `, ${s.listed} listed` : ""}`);
  }
  parts.push(`${s.subscriptions} subscription(s) in scope`);
  const ex = s.excluded;
  const excluded = [
    list(ex.subscriptions.map((id) => `${id.slice(0, 8)}…`), "subscription"),
    list(ex.resourceGroups, "resource group"),
    list(ex.machineTags, "machine tag"),
  ].filter((x): x is string => !!x);
  if (excluded.length) parts.push(`excluded ${excluded.join(", ")}`);
  return `${parts.join("; ")}.`;
}

/** The finding that the scope resolves to no subscription, which every format shows first. */
export function emptyScopeFinding(findings: readonly RenderedFinding[]): RenderedFinding | undefined {
  return findings.find((f) => f.code === SCOPE_WITHOUT_SUBSCRIPTIONS);
}

function list(names: readonly string[], noun: string): string | undefined {
  if (!names.length) return undefined;
  return `${names.length} ${noun}${names.length === 1 ? "" : "s"} (${some(names.map(clip))})`;
}

function some(names: readonly string[]): string {
  const shown = names.slice(0, NAMES).join(", ");
  return names.length > NAMES ? `${shown} +${names.length - NAMES} more` : shown;
}

function clip(name: string): string {
  return name.length > NAME_CHARS ? `${name.slice(0, NAME_CHARS - 1)}…` : name;
}
