/**
 * What `reconcile` prints per round: text a person follows (each round line with its UTC time,
 * each listed step with where it applies) and one JSON line a pipeline reads, with the same
 * members whatever the round's outcome (user trial 17).
 */
import type { ApplyResult } from "../azure";
import { machineOf, stepLabel, type Plan, type PlanSummary, type RenderedStep } from "../core";
import { subscriptionOf } from "../inventory";
import { resultJson, type ResultJson } from "./resultJson";
import type { WatchRoundRead } from "./round";
import type { SpecCheck } from "./specFollow";

/** Steps a round names (an operator sees which machine got what); the rest are counted. `plan` lists them all. */
export const NAMED_STEPS = 10;

/** A round's line in the text log: its UTC time to the second first, as a log line has it. */
export function roundLine(round: number, text: string, atMs = Date.now()): string {
  return `${new Date(atMs).toISOString().slice(0, 19)}Z round ${round}: ${text}\n`;
}

/** Text of several lines (apply's summary) as round lines; an indented line continues the one above it. */
export function roundLines(round: number, text: string, atMs = Date.now()): string {
  return text.trimEnd().split("\n").map((line) => (/^\s/.test(line) ? `${line}\n` : roundLine(round, line, atMs))).join("");
}

/**
 * Where a step applies, when its label does not say: a machine's label names the machine; a
 * subscription's setting (a Defender plan, a policy assignment's notScopes) reads the same in
 * every subscription, so its subscription is named, whole, as the spec, `plan` and the portal
 * name it (a prefix would have to be looked up, and two can share one).
 */
export function stepWhere(s: RenderedStep, label: string): string {
  if (machineOf(s)) return "";
  const sub = subscriptionOf(s.target);
  if (sub) return label.toLowerCase().includes(sub) ? "" : ` (subscription ${sub})`;
  const group = /\/managementGroups\/([^/]+)/i.exec(s.target);
  return group ? ` (management group ${group[1]})` : " (tenant)";
}

/** The round's first steps, one per line, and where the rest are: the journal records every step as it is sent. */
export function stepLines(plan: Plan, journal: string): string {
  const lines = plan.steps.slice(0, NAMED_STEPS).map((s) => {
    const label = stepLabel(s);
    return `  ${s.action}: ${label}${stepWhere(s, label)}\n`;
  });
  const more = plan.steps.length - lines.length;
  if (more <= 0) return lines.join("");
  const name = journal.slice(journal.lastIndexOf("/") + 1);
  return lines.join("") + `  ... and ${more} more step(s), each recorded as it is sent in the journal ${journal} (kept beside it as ${name}.<time>.done once every step succeeded)\n`;
}

/** How a watch round read the fleet, for its text line. */
export function describeRead(read: WatchRoundRead): string {
  const how = read.mode === "full" ? "full read" : `read ${read.changed} changed resource(s)`;
  return read.confirmed ? `${how}; ${read.confirmed} step(s) a recent round wrote, confirmed in ARM, not sent again` : how;
}

/** What a round says about its spec file when it changed (nothing when it did not). */
export function describeSpecCheck(check: SpecCheck, path: string): string {
  if (check.status === "same") return "";
  if (check.status === "invalid") return `spec ${path} changed but is not valid, so this round keeps the last valid spec: ${check.error}`;
  return check.scopeChanged
    ? `spec changed: reloaded; its scope changed, so the new scope's leases are taken before the old scope's are released (a subscription in both stays held), and the fleet is read in full`
    : `spec changed: reloaded; the fleet is read in full`;
}

/**
 * A watch round's scope against the last round's: subscriptions that left it or joined it, those
 * whose lease it released and those whose lease it took before applying (lower-case, sorted).
 */
export interface ScopeChange {
  readonly left: readonly string[];
  readonly joined: readonly string[];
  readonly leaseReleased: readonly string[];
  readonly leaseTaken: readonly string[];
}

/** Null when the scope is the last round's and no lease was released or taken. */
export function scopeChangeOf(left: readonly string[], joined: readonly string[], leaseReleased: readonly string[], leaseTaken: readonly string[]): ScopeChange | null {
  return left.length || joined.length || leaseReleased.length || leaseTaken.length ? { left, joined, leaseReleased, leaseTaken } : null;
}

/** What a round says when its scope changed (a subscription moved out of or under a management group the spec names). */
export function describeScopeChange(change: ScopeChange): string {
  const subs = (list: readonly string[]) => `subscription${list.length > 1 ? "s" : ""} ${list.join(", ")}`;
  const released = (list: readonly string[]) => `${list.length > 1 ? "their leases are" : "its lease is"} released (another run may take ${list.length > 1 ? "them" : "it"})`;
  const parts: string[] = [];
  if (change.left.length) {
    const all = change.left.every((s) => change.leaseReleased.includes(s));
    parts.push(`${subs(change.left)} left it: nothing of ${change.left.length > 1 ? "them" : "it"} is kept${all ? `, and ${released(change.left)}` : ""}`);
  }
  const others = change.leaseReleased.filter((s) => !change.left.includes(s));
  if (others.length) parts.push(`${subs(others)} ${others.length > 1 ? "are" : "is"} not in it: ${released(others)}`);
  const taken = (list: readonly string[]) => `${list.length > 1 ? "their leases are" : "its lease is"} taken before anything is applied (the others stay held)`;
  if (change.joined.length) {
    const all = change.joined.every((s) => change.leaseTaken.includes(s));
    parts.push(`${subs(change.joined)} joined it: read in full${all ? `, and ${taken(change.joined)}` : ""}`);
  }
  // Joined in an earlier round whose take was refused.
  const late = change.leaseTaken.filter((s) => !change.joined.includes(s));
  if (late.length) parts.push(`${subs(late)} ${late.length > 1 ? "are" : "is"} in it: ${taken(late)}`);
  return `scope changed: ${parts.join("; ")}`;
}

/**
 * An error on one line (a failed round's line): a message whose first line is a heading (`invalid
 * inventory:`) with its problems on the lines below has the first of them joined on, and the
 * others counted (the JSON line's `error` has them all).
 */
export function oneLine(message: string): string {
  const [head = "", ...rest] = message.split("\n").map((l) => l.trim()).filter(Boolean);
  if (!rest.length) return head;
  const more = rest.length > 1 ? ` (and ${rest.length - 1} more)` : "";
  return head.endsWith(":") ? `${head} ${rest[0]}${more}` : `${head} (and ${rest.length} more line(s))`;
}

/** A round's spec check in its JSON line: null when the file is the spec in force. */
export function specChangeJson(check: SpecCheck): { reloaded: boolean; scopeChanged?: boolean; error?: string } | null {
  if (check.status === "same") return null;
  return check.status === "reloaded" ? { reloaded: true, scopeChanged: check.scopeChanged } : { reloaded: false, error: check.error };
}

/** The round's first steps in its JSON line: action, target and what the step does. */
export function roundSteps(plan: Plan | undefined): { steps: { action: string; target: string; label: string }[]; moreSteps: number } {
  const steps = (plan?.steps ?? []).slice(0, NAMED_STEPS).map((s) => ({ action: s.action, target: s.target, label: stepLabel(s) }));
  return { steps, moreSteps: (plan?.steps.length ?? 0) - steps.length };
}

/** One round as a JSON Lines record; the result has the shape `apply --format json` gives. */
export interface RoundRecord {
  readonly round: number;
  readonly startedAt: string;
  readonly plan: PlanSummary | null;
  readonly result: ResultJson | null;
}

export function roundJson(round: number, startedMs: number, plan: PlanSummary | null, result: ApplyResult | null): RoundRecord {
  return { round, startedAt: new Date(startedMs).toISOString(), plan, result: result && resultJson(result) };
}

/** What a round got to before it ended (or failed): each part undefined when the round did not get there. */
export interface RoundOutcome {
  plan?: Plan;
  result?: ApplyResult;
  read?: WatchRoundRead;
  spec?: SpecCheck;
  scope?: ScopeChange | null;
}

/**
 * A round's JSON line, whatever its outcome: `plan` null when it did not plan, `result` null when
 * nothing ran, `steps` [] without a plan or when the round failed; in a watch `read`, `specChange` and `scopeChange` (null when not read
 * or unchanged); on failure `error` and, in a watch, `nextRoundInSeconds` (null: no next round).
 */
export function roundRecord(round: number, startedMs: number, outcome: RoundOutcome, watch: boolean, failure?: { error: string; nextRoundInSeconds: number | null }): string {
  const record = {
    ...roundJson(round, startedMs, outcome.plan?.summary ?? null, outcome.result ?? null),
    ...(watch ? { read: outcome.read ?? null, specChange: outcome.spec ? specChangeJson(outcome.spec) : null, scopeChange: outcome.scope ?? null } : {}),
    // A failed round applied none of its plan's steps.
    ...roundSteps(failure ? undefined : outcome.plan),
    seconds: (Date.now() - startedMs) / 1000,
    ...(failure ? { error: failure.error, ...(watch ? { nextRoundInSeconds: failure.nextRoundInSeconds } : {}) } : {}),
  };
  return JSON.stringify(record) + "\n";
}
