/**
 * What the AgentReconciliation provider does, loaded lazily (by absolute path) inside the
 * dynamic-provider host: read the actual state (src/azure), plan (src/core), apply or report.
 * Nothing here is serialized into `__provider`; provider.ts only forwards to these functions, so
 * the Azure SDK, the credential and this module's caches never enter a closure.
 *
 * Credentials come from the environment at call time: the emulator through its emulator.json
 * (ASC_EMULATOR_CONFIG, as `asc-autoprovision emulator start` prints it, or ASC_EMULATOR_DIR), real
 * Azure through DefaultAzureCredential (AZURE_* variables, workload or managed identity, az login).
 * No secret is ever an input or an output: workspace keys are fetched by the step runner at apply
 * time and sent only in the extensions' protectedSettings.
 *
 * `pulumi up` journals its steps and takes its leases as `asc-autoprovision apply` does, in the
 * `state` input as in `--state` (default `.asc-autoprovision/`, relative to the engine's working
 * directory: the program's). An update killed mid-apply checks what it had started on the next
 * `pulumi up` instead of sending it twice; with a container, on the next pipeline agent too.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import {
  applyPlan,
  chooseEndpoint,
  connectionOf,
  emulatorConnection,
  emulatorOf,
  EndpointError,
  beginRun,
  DEFAULT_STATE_DIR,
  isBlobState,
  planLive,
  resolveRuntimeOptions,
  runtimeOptionProblem,
  stateLocationProblem,
  outOfLease,
  subscriptionsToLease,
  type AzureConnection,
  type EmulatorEndpoint,
  type EndpointChoice,
  type StepResult,
} from "../../../src/azure";
import { machineOf, plan as planFor, planPieces, stepLabel, stepMachineIndices, writeFileAtomically, type Plan, type Severity } from "../../../src/core";
import { loadInventoryFile, type Inventory } from "../../../src/inventory";
import { ValidationError, makeDirs, parseSpec, type ValidationIssue } from "../../../src/spec";
import {
  DRY_RUN_KEY,
  INPUT_KEYS,
  MAX_FINDINGS,
  MAX_MACHINES,
  MAX_SHARED_STEPS,
  MAX_SHARED_SCOPES,
  MORE_KEY,
  RECONCILE_MODES,
  STACK_KEY,
  STATE_KEY,
  type FindingSummary,
  type MachineChange,
  type ReconcileMode,
  type ReconciliationInputs,
  type ReconciliationOutputs,
  type ReconciliationReport,
} from "./types";

/** A property bag as the host passes it (JSON from a protobuf Struct). */
export type Props = Record<string, unknown>;

/** What the engine puts where a value is not known yet (preview with unresolved Outputs). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The outputs only an up knows: a preview of an apply leaves them unknown. */
export const AFTER_APPLY = ["stepsApplied", "stepsFailed", "remainingSteps"] as const;
/** The serialized provider the host stores next to the outputs; carried into partial state. */
const PROVIDER_KEY = "__provider";

/** How long a plan read by check is reused by the diff that follows it (same engine pass). */
const PLAN_REUSE_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Endpoint → connection

/** The endpoint an `endpoint` input names (see ReconciliationInputs.endpoint), by the one precedence of src/azure/endpoint.ts. */
function choiceFor(endpoint: string | undefined, env: NodeJS.ProcessEnv): EndpointChoice {
  return chooseEndpoint({ value: endpoint, source: "endpoint", kinds: { azure: true, directory: true } }, env, { kind: "azure" });
}

/** The emulator endpoint (or real Azure) an `endpoint` input names, keyed for the connection cache. */
export function endpointFor(endpoint: string | undefined, env: NodeJS.ProcessEnv = process.env): { key: string; emulator?: EmulatorEndpoint } {
  const choice = choiceFor(endpoint, env);
  if (choice.kind === "azure") return { key: "azure" };
  const emulator = emulatorOf(choice, env);
  return { key: `emulator ${emulator.url}`, emulator };
}

const connections = new Map<string, AzureConnection>();

function connect(endpoint: string | undefined): { key: string; conn: AzureConnection } {
  const { key, emulator } = endpointFor(endpoint);
  let conn = connections.get(key);
  if (!conn) {
    conn = emulator ? emulatorConnection(emulator) : connectionOf({ kind: "azure" });
    connections.set(key, conn);
  }
  return { key, conn };
}

// ---------------------------------------------------------------------------------------------
// Inputs

/** True when the engine left a value unknown anywhere in `value` (a preview with unresolved Outputs). */
export function hasUnknowns(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(hasUnknowns);
  if (value !== null && typeof value === "object") return Object.values(value).some(hasUnknowns);
  return false;
}

/** The input keys of a property bag (inputs, checked inputs or outputs), without undefined. */
export function inputsOf(props: Props): Props {
  const out: Props = {};
  for (const k of INPUT_KEYS) if (props[k] !== undefined && props[k] !== null) out[k] = props[k];
  return out;
}

export interface CheckFailure {
  readonly property: string;
  readonly reason: string;
}

/**
 * A spec issue as a check failure. The engine looks a failure's property up among the top-level
 * inputs to print its value, so a nested path printed "property spec.a.b value {<nil>} has a
 * problem" (user trial 18a): the path goes in the reason, as the components' validators name an
 * argument, and the engine prints "resource '<name>' has a problem: spec.a.b: <message>".
 */
function specFailure(issue: ValidationIssue): CheckFailure {
  return issue.path ? { property: "", reason: `spec.${issue.path}: ${issue.message}` } : { property: "spec", reason: issue.message };
}

/** A failure as one line: `<property>: <reason>`, or the reason alone when it names the property (specFailure). */
export function failureLine(f: CheckFailure): string {
  return f.property ? `${f.property}: ${f.reason}` : f.reason;
}

/** Validates and normalizes the inputs: failures name the argument (`spec.logAnalyticsAgent.securityEvents`). */
export function validateInputs(news: Props): { inputs?: ReconciliationInputs; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  let spec: ReconciliationInputs["spec"] | undefined;
  try {
    spec = parseSpec(news.spec);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    failures.push(...err.issues.map(specFailure));
  }
  const mode = news.mode ?? "apply";
  if (!RECONCILE_MODES.includes(mode as ReconcileMode)) failures.push({ property: "mode", reason: `${JSON.stringify(mode)} is not one of ${RECONCILE_MODES.join(", ")}` });
  const option = (key: "delegateAbove" | "concurrency") => {
    const v = news[key];
    if (v === undefined || v === null) return undefined;
    const problem = runtimeOptionProblem(key, v);
    if (problem) failures.push({ property: key, reason: `${JSON.stringify(v)} ${problem}` });
    return v as number;
  };
  const inventory = news.inventory;
  if (inventory !== undefined && inventory !== null) {
    const problem = inventoryProblem(inventory, mode);
    if (problem) failures.push({ property: "inventory", reason: problem });
  }
  const delegateAbove = option("delegateAbove");
  const concurrency = option("concurrency");
  const endpoint = news.endpoint;
  if (endpoint !== undefined && endpoint !== null) {
    if (typeof endpoint !== "string") failures.push({ property: "endpoint", reason: `${JSON.stringify(endpoint)} is not a string` });
    else {
      try {
        endpointFor(endpoint);
      } catch (err) {
        // The property is named already: the reason is the detail alone.
        failures.push({ property: "endpoint", reason: err instanceof EndpointError ? err.detail : (err as Error).message });
      }
    }
  }
  const state = news[STATE_KEY];
  if (state !== undefined && state !== null) {
    // The CLI's own check of `--state` (src/azure/state/location.ts).
    const problem = stateLocationProblem(state);
    if (problem) failures.push({ property: STATE_KEY, reason: problem });
  }
  const stack = news[STACK_KEY];
  if (stack !== undefined && stack !== null && typeof stack !== "string") failures.push({ property: STACK_KEY, reason: `${JSON.stringify(stack)} is not a string` });
  if (failures.length || !spec) return { failures };
  const inputs: Props = { spec, mode };
  if (typeof stack === "string" && stack !== "") inputs[STACK_KEY] = stack;
  if (typeof state === "string") inputs[STATE_KEY] = state;
  if (typeof endpoint === "string") inputs.endpoint = endpoint;
  if (typeof inventory === "string") inputs.inventory = inventory;
  if (delegateAbove !== undefined) inputs.delegateAbove = delegateAbove;
  if (concurrency !== undefined) inputs.concurrency = concurrency;
  return { inputs: inputs as unknown as ReconciliationInputs, failures };
}

/** Why an `inventory` input cannot serve (undefined when it can): a readable file, with mode `report`. */
function inventoryProblem(inventory: unknown, mode: unknown): string | undefined {
  if (typeof inventory !== "string" || inventory === "") return `${JSON.stringify(inventory)} is not a file name`;
  if (mode !== "report") return `an inventory file is a snapshot: it can only be reported on (mode "report", not ${JSON.stringify(mode)})`;
  try {
    if (!statSync(resolve(inventory)).isFile()) return `${JSON.stringify(inventory)} is not a file`;
  } catch {
    return `${JSON.stringify(inventory)} cannot be read (from ${process.cwd()})`;
  }
  return undefined;
}

/** Inputs already checked (the engine passes check's result): validated again, failing loudly if not. */
function checked(props: Props): ReconciliationInputs {
  const { inputs, failures } = validateInputs(inputsOf(props));
  if (!inputs) throw new Error("AgentReconciliation has invalid inputs:\n" + failures.map((f) => `  ${failureLine(f)}`).join("\n"));
  return inputs;
}

// ---------------------------------------------------------------------------------------------
// Plans and reports

interface Planned {
  readonly inventory: Inventory;
  readonly plan: Plan;
}

const recentPlans = new Map<string, { at: number; planned: Promise<Planned> }>();

/** The plan of an inventory file (the `inventory` input): the file read and planned as `plan --inventory` does. */
async function snapshotPlan(inventory: string, spec: ReconciliationInputs["spec"]): Promise<Planned> {
  const snapshot = loadInventoryFile(resolve(inventory));
  return { inventory: snapshot, plan: planFor(spec, snapshot) };
}

/** Where `inputs` plan from (the connection, or none for an inventory file) and the key of their plan in recentPlans. */
function planSource(inputs: ReconciliationInputs): { conn?: AzureConnection; label: string; cacheKey: string } {
  const source = inputs.inventory === undefined ? connect(inputs.endpoint) : undefined;
  const label = source ? source.key : `inventory ${inventoryKey(inputs.inventory!)}`;
  return { conn: source?.conn, label, cacheKey: `${label}\n${JSON.stringify(inputs.spec)}` };
}

/**
 * The plan for `inputs`: from the actual state, or from the `inventory` file. `reuse`: a plan
 * read for the same source and spec within the last minute (counted from its last use) may serve
 * (check and the diff right after it, in one engine pass); create, update and read read the
 * actual state afresh. An inventory file's plan is always reused: its key names the file's size
 * and modification time, so a rewritten file is planned again.
 */
async function livePlan(inputs: ReconciliationInputs, reuse: boolean): Promise<Planned> {
  const { conn, label, cacheKey } = planSource(inputs);
  const cached = recentPlans.get(cacheKey);
  if ((reuse || !conn) && cached && Date.now() - cached.at < PLAN_REUSE_MS) {
    cached.at = Math.max(cached.at, Date.now());
    return cached.planned;
  }
  const entry = { at: Number.POSITIVE_INFINITY, planned: conn ? planLive(conn, inputs.spec) : snapshotPlan(inputs.inventory!, inputs.spec) };
  recentPlans.set(cacheKey, entry);
  try {
    const planned = await entry.planned;
    entry.at = Date.now();
    return planned;
  } catch (err) {
    recentPlans.delete(cacheKey);
    throw new Error(`AgentReconciliation could not read the ${conn ? "actual state" : "inventory file"} (${label}): ${(err as Error).message}`);
  }
}

/** Marks the plan of `inputs` as just used: check's own work on a large plan (its file, its report) must not age it out before the diff that follows. */
function keepPlan(inputs: ReconciliationInputs): void {
  const cached = recentPlans.get(planSource(inputs).cacheKey);
  if (cached && Number.isFinite(cached.at)) cached.at = Date.now();
}

/** An inventory file as a cache key: its path, size and modification time (a rewritten file is read again). */
function inventoryKey(inventory: string): string {
  const path = resolve(inventory);
  const { size, mtimeMs } = statSync(path);
  return `${path} ${size} ${mtimeMs}`;
}

function forgetPlans(): void {
  recentPlans.clear();
}

/** JSON with the keys of every object sorted. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/**
 * Digest of the plan's steps and changed machines: equal digests, same remediation. Fed to the
 * hash step by step and machine by machine (a million-machine plan is never one string), each
 * piece with its keys sorted, so it depends on the plan alone.
 */
export function planDigest(plan: Plan): string {
  const hash = createHash("sha256");
  for (const s of plan.steps) hash.update(`s\u0000${s.action}\u0000${s.target.toLowerCase()}\u0000${stableJson(s.details)}\n`);
  for (const m of eachMachineChange(plan)) hash.update(`m\u0000${m.id.toLowerCase()}\u0000${m.decision}\u0000${m.workspace ?? ""}\u0000${m.actions.join(",")}\n`);
  return hash.digest("hex").slice(0, 16);
}

/** Digests computed for the provider's plans, which nothing changes once planned: check, the plan file's name, the report and diff each ask. */
const digests = new WeakMap<Plan, string>();

function digestOnce(plan: Plan): string {
  let digest = digests.get(plan);
  if (digest === undefined) digests.set(plan, (digest = planDigest(plan)));
  return digest;
}

/** A changed machine and the indices of its steps in the plan, in plan order. */
export interface MachineSteps {
  readonly change: MachineChange;
  readonly steps: readonly number[];
}

/** Machines with steps in the plan, in the plan's order (sorted by id), each with its steps' indices; one at a time. */
export function* eachMachineSteps(plan: Plan): Generator<MachineSteps> {
  const of = stepMachineIndices(plan);
  // Each machine's steps, in plan order: counted first, then filled (typed arrays, no map of ids).
  const first = new Int32Array(plan.machines.length).fill(-1);
  const next = new Int32Array(plan.steps.length).fill(-1);
  const last = new Int32Array(plan.machines.length).fill(-1);
  for (let i = 0; i < of.length; i++) {
    const m = of[i]!;
    if (m < 0) continue;
    if (first[m] === -1) first[m] = i;
    else next[last[m]!] = i;
    last[m] = i;
  }
  for (let m = 0; m < plan.machines.length; m++) {
    if (first[m] === -1) continue;
    const machine = plan.machines[m]!;
    const steps: number[] = [];
    for (let i = first[m]!; i !== -1; i = next[i]!) steps.push(i);
    const actions = steps.map((i) => plan.steps[i]!.action);
    yield { change: { id: machine.id, decision: machine.decision, workspace: machine.workspace ?? null, reason: machine.reason, actions }, steps };
  }
}

/** Machines with steps in the plan, in the plan's order (sorted by id), each with its actions; one at a time. */
export function* eachMachineChange(plan: Plan): Generator<MachineChange> {
  for (const m of eachMachineSteps(plan)) yield m.change;
}

/** Machines with steps in the plan, in the plan's order (sorted by id), each with its actions. */
export function machineChanges(plan: Plan): MachineChange[] {
  return [...eachMachineChange(plan)];
}

/** Counts per key, the keys in sorted order (counted first: sorting 2.5 million keys took seconds). */
function countBy<T, K extends string>(items: readonly T[], keyOf: (item: T) => K): Partial<Record<K, number>> {
  const counts = new Map<K, number>();
  for (const item of items) {
    const k = keyOf(item);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const out: Partial<Record<K, number>> = {};
  for (const k of [...counts.keys()].sort()) out[k] = counts.get(k);
  return out;
}

/** A subscription-level step's label, cut so that it shows whole beside its key (the display cuts at 150 characters). */
const MAX_STEP_TEXT = 100;

/**
 * A machine's steps, short (the display cuts a line at 150 characters): per action in plan order,
 * what each step is, without the machine's name its label repeats
 * (`install-extension AzureMonitorWindowsAgent + AzurePolicyforWindows, associate-dcr asc-ama-…`).
 */
function machineStepsText(plan: Plan, machineId: string, steps: readonly number[]): string {
  const name = machineId.slice(machineId.lastIndexOf("/") + 1);
  const byAction = new Map<string, string[]>();
  for (const i of steps) {
    const step = plan.steps[i]!;
    let label = stepLabel(step).replace(/\s+/g, " ");
    for (const sep of [": ", " -> "]) if (label.startsWith(name + sep)) label = label.slice(name.length + sep.length);
    if (label.startsWith(`${name} (`) && label.endsWith(")")) label = label.slice(name.length + 2, -1);
    const labels = byAction.get(step.action) ?? [];
    if (label && label !== name && !labels.includes(label)) labels.push(label);
    byAction.set(step.action, labels);
  }
  return [...byAction].map(([action, labels]) => (labels.length ? `${action} ${labels.join(" + ")}` : action)).join(", ");
}

/**
 * What `changes` shows, bounded whatever the fleet (the state's ~290 KB): one line per machine,
 * keyed by its ARM id (`install -> DefaultWorkspace-<sub>-EUS: install-extension
 * AzureMonitorWindowsAgent, associate-dcr ...`), at most MAX_MACHINES of them and then
 * MORE_KEY saying how many more; and the steps no machine owns (pricings, rules, policies,
 * settings), one line each (sharedStepLines), so a tier or plan change shows in a preview too. `shared`: whether to
 * show them (not once they are done).
 */
export function changeLines(plan: Plan, machines: Iterable<MachineSteps>, machineTotal: number, shared: boolean): Record<string, string> {
  const lines: Record<string, string> = {};
  if (shared) Object.assign(lines, sharedStepLines(plan));
  let n = 0;
  for (const m of machines) {
    if (n >= MAX_MACHINES) break;
    n++;
    const c = m.change;
    const target = c.workspace ? c.workspace.slice(c.workspace.lastIndexOf("/") + 1) : "no workspace";
    lines[c.id] = `${c.decision} -> ${target}: ${machineStepsText(plan, c.id, m.steps)}`;
  }
  if (machineTotal > n) lines[MORE_KEY] = `and ${machineTotal - n} more machines (the whole plan: planFile)`;
  return lines;
}

/**
 * The steps no machine owns, one line each (the display cuts a line at 150 characters), keyed
 * `<subscription> <action> <n>` so they sort by subscription and action; at most
 * MAX_SHARED_STEPS a subscription, then `<subscription> …` says how many more; at most
 * MAX_SHARED_SCOPES subscriptions.
 */
function sharedStepLines(plan: Plan): Record<string, string> {
  const of = stepMachineIndices(plan);
  const bySubscription = new Map<string, { lines: [string, string][]; perAction: Map<string, number>; total: number }>();
  for (let i = 0; i < of.length; i++) {
    if (of[i]! >= 0) continue;
    const step = plan.steps[i]!;
    const sub = /^\/subscriptions\/([^/]+)/i.exec(step.target)?.[1]?.toLowerCase() ?? "tenant";
    let entry = bySubscription.get(sub);
    if (!entry) {
      if (bySubscription.size >= MAX_SHARED_SCOPES) continue;
      bySubscription.set(sub, (entry = { lines: [], perAction: new Map(), total: 0 }));
    }
    entry.total++;
    if (entry.lines.length >= MAX_SHARED_STEPS) continue;
    const n = (entry.perAction.get(step.action) ?? 0) + 1;
    entry.perAction.set(step.action, n);
    const label = stepLabel(step).replace(/\s+/g, " ");
    entry.lines.push([`${sub} ${step.action} ${n}`, label.length > MAX_STEP_TEXT ? `${label.slice(0, MAX_STEP_TEXT - 1)}…` : label]);
  }
  const lines: Record<string, string> = {};
  for (const [sub, entry] of [...bySubscription].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const [key, text] of entry.lines) lines[key] = text;
    if (entry.total > entry.lines.length) lines[`${sub} ${MORE_KEY}`] = `and ${entry.total - entry.lines.length} more subscription-level steps (the whole plan: planFile)`;
  }
  return lines;
}

/** The findings keyed by code and target (`<code> <target>`), so a preview diffs them by what they are, not by position. */
export function findingsByKey(findings: readonly FindingSummary[]): Record<string, FindingSummary> {
  const out: Record<string, FindingSummary> = {};
  for (const f of findings) {
    const key = `${f.code} ${f.target}`;
    if (!(key in out)) out[key] = f;
    if (Object.keys(out).length >= MAX_FINDINGS) break;
  }
  return out;
}

/**
 * The report of `plan`: what was applied (`applied`, `failed`) and what remains; bounded whatever
 * the fleet. `planFile`: where the whole plan was written. `outstanding`: the machines whose steps
 * remain (default: none when nothing remains, else every changed machine).
 */
export function reportOf(
  plan: Plan,
  counts: { applied: number; failed: number; remaining: number },
  planFile: string | null = null,
  outstanding?: { readonly machines: Iterable<MachineSteps>; readonly total?: number; readonly shared: boolean },
): ReconciliationReport {
  const machines: MachineChange[] = [];
  let machineCount = 0;
  for (const m of eachMachineChange(plan)) {
    if (machines.length < MAX_MACHINES) machines.push(m);
    machineCount++;
  }
  const pending = outstanding ?? (counts.remaining === 0 ? { machines: [], total: 0, shared: false } : { machines: eachMachineSteps(plan), shared: true });
  return {
    stepsApplied: counts.applied,
    stepsFailed: counts.failed,
    remainingSteps: counts.remaining,
    steps: countBy(plan.steps, (s) => s.action),
    changes: changeLines(plan, pending.machines, pending.total ?? machineCount, pending.shared),
    machines,
    machineCount,
    findings: findingsByKey(plan.findings.map((f) => ({ severity: f.severity, code: f.code, target: f.target, message: f.message }))),
    findingCounts: countBy(plan.findings, (f): Severity => f.severity),
    planDigest: digestOnce(plan),
    planFile,
  };
}

/** Where each plan object was last written (savePlanFile). */
const savedTo = new WeakMap<Plan, string>();

/**
 * The plan file's name: a digest over what was planned (the resource's scope, its spec, where it
 * read the state from) and the plan's digest. The plan's digest alone is the same for every
 * converged plan (SHA-256 of no step), so every converged stack would write, and overwrite, one file.
 */
export function planFileName(plan: Plan, inputs: ReconciliationInputs): string {
  const basis = [idOf(inputs), stableJson(inputs.spec), inputs.mode, sourceOf(inputs), digestOnce(plan)].join("\u0000");
  return `${resourceKey(inputs)}-${createHash("sha256").update(basis).digest("hex").slice(0, 16)}.json`;
}

function sourceOf(inputs: ReconciliationInputs): string {
  return inputs.inventory !== undefined ? `inventory ${resolve(inputs.inventory)}` : `endpoint ${inputs.endpoint ?? ""}`;
}

/**
 * The plan files' prefix of one resource (its stack, its scope and where it reads the state):
 * whatever its spec, mode or plan. Without the stack, two stacks of one scope in one directory
 * shared a prefix and each one's files pruned the other's (user trial 18a). A state written before
 * `stack` existed keeps its old prefix.
 */
function resourceKey(inputs: ReconciliationInputs): string {
  const parts = [idOf(inputs), sourceOf(inputs), ...(inputs.stack ? [`stack ${inputs.stack}`] : [])];
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 8);
}

/**
 * Plan files kept per resource: the one just written, the one its state names, and the newest of
 * the others up to this many in all. Every preview of a changed plan wrote one more and none was
 * removed (user trial 17: 1.7-2.8 MB each at 2,000 machines; 259 MiB at 1M).
 */
export const PLAN_FILES_KEPT = 3;

/**
 * Removes the resource's plan files but PLAN_FILES_KEPT: `current` and `named` (the file its state
 * names) always stay, then the newest others by time written. Previews that each planned something
 * new used to remove the file the state named (user trial 18a). A resource without a stack (a state
 * written before it was an input) removes nothing: another stack may share its prefix.
 */
function prunePlanFiles(dir: string, inputs: ReconciliationInputs, current: string, named: string | undefined): void {
  if (!inputs.stack) return;
  const prefix = `${resourceKey(inputs)}-`;
  const kept = new Set([basename(current), ...(named ? [basename(named)] : [])]);
  const mine = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith(".json"));
  const others = mine
    .filter((f) => !kept.has(f))
    .map((f) => ({ path: join(dir, f), at: statSync(join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  const keptHere = mine.length - others.length;
  for (const old of others.slice(Math.max(0, PLAN_FILES_KEPT - keptHere))) rmSync(old.path, { force: true });
}

/** The plan file a property bag (a state's inputs or outputs) names, if any. */
function namedPlanFile(props: Props | undefined): string | undefined {
  const file = props?.planFile;
  return typeof file === "string" && file !== "" && file !== UNKNOWN ? file : undefined;
}

/**
 * Writes the whole plan (every machine and step) as a plan file under the state directory, named
 * by planFileName: the resource's state stays bounded and names this file, which a pipeline keeps
 * as an artifact. `named`: the file the resource's state names, which the pruning keeps. Null when
 * it cannot be written (the report says so; nothing else depends on it).
 */
export async function savePlanFile(plan: Plan, stateDir: string, inputs: ReconciliationInputs, named?: string): Promise<string | null> {
  const dir = join(stateDir, "plans");
  const file = join(dir, planFileName(plan, inputs));
  // The same plan object (reused by check, diff and create) is written once: at 1M machines a write is 259 MiB.
  if (savedTo.get(plan) === file && existsSync(file)) return file;
  try {
    makeDirs(dir);
    await writeFileAtomically(file, planPieces(plan, "json"));
    savedTo.set(plan, file);
    prunePlanFiles(dir, inputs, file, named);
    return file;
  } catch {
    return null;
  }
}

/**
 * What an up would output for `plan`, if every step succeeds: the preview check shows. `changes`
 * is what the up will change (`pending`, a preview) or what it leaves outstanding (the up itself).
 */
export function predictedReport(plan: Plan, mode: ReconcileMode, changes: "pending" | "outstanding" = "pending", planFile: string | null = null): ReconciliationReport {
  const n = plan.steps.length;
  const counts = mode === "apply" ? { applied: n, failed: 0, remaining: 0 } : { applied: 0, failed: 0, remaining: n };
  const pending = changes === "pending" || mode === "report";
  return reportOf(plan, counts, planFile, pending ? { machines: eachMachineSteps(plan), shared: true } : { machines: [], total: 0, shared: false });
}

/**
 * Where the provider writes its plan files: the `state` directory, or the CLI's default one when
 * `state` is a container. A plan file is an artifact the pipeline keeps from the machine that ran
 * (up to 259 MiB at 1M machines; rewritten by every preview of a new plan), so it stays a local
 * file, and `planFile` names it, relative to the program's directory as `state` is.
 */
function planDirOf(inputs: ReconciliationInputs): string {
  return inputs.state === undefined || isBlobState(inputs.state) ? DEFAULT_STATE_DIR : inputs.state;
}

/** Plain JSON: no undefined anywhere (the host's Struct conversion rejects it). */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// ---------------------------------------------------------------------------------------------
// The provider's methods

/**
 * check: the inputs validated with the spec's validators (failures name the property), the spec
 * with its defaults filled. When the inputs are valid and known, the actual state is read and
 * what an up would output is added to the checked inputs: the Node dynamic-provider host forwards
 * no detailed diff, and the engine shows a preview's new state from the checked inputs, so this is
 * how `pulumi preview --diff` gets to show, per machine, what will change. If the actual state
 * cannot be read, the prediction is left out and diff reports the error.
 */
export async function check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
  if (hasUnknowns(inputsOf(news))) return { inputs: news, failures: [] };
  const { inputs, failures } = validateInputs(news);
  if (!inputs) return { inputs: news, failures };
  // Without `dryRun: true`, the up itself: its checked inputs become the new state's (see DRY_RUN_KEY).
  const changes = news[DRY_RUN_KEY] === true ? "pending" : "outstanding";
  let prediction: Props | undefined;
  try {
    const { plan } = await livePlan(inputs, true);
    // olds: the state's inputs, whose planFile is the file the last up's check wrote (the one its state names).
    const predicted = predictedReport(plan, inputs.mode, changes, await savePlanFile(plan, planDirOf(inputs), inputs, namedPlanFile(olds)));
    // A preview of an apply has not run a step: the counts only the up knows are unknown (the CLI shows them as computed).
    prediction = changes === "pending" && inputs.mode === "apply" ? { ...predicted, ...Object.fromEntries(AFTER_APPLY.map((k) => [k, UNKNOWN])) } : { ...predicted };
    keepPlan(inputs);
  } catch {
    prediction = undefined; // diff reads again and reports the error with its cause
  }
  return { inputs: plain({ ...inputs, ...prediction }), failures: [] };
}

/**
 * diff: reads the actual state and plans. Changes when an input changed, or in apply mode when
 * the plan has steps, or in report mode when the plan differs from the one last reported (its
 * digest). Never a replacement: the resource stands for a subscription's agents, which nothing
 * here ever uninstalls. `state` moved alone is an update too (`~ state` in a preview), as
 * Terraform's and Pulumi's providers treat a setting of their own (`force_destroy`): with nothing
 * to apply it changes nothing in Azure, and without it the `state` output kept the old place.
 */
export async function diff(_id: string, olds: Props, news: Props): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }> {
  if (hasUnknowns(inputsOf(news))) return { changes: true, replaces: [], deleteBeforeReplace: false };
  const after = checked(news);
  // The stack's name is not a change to Azure: a state written before it was an input is not updated for it.
  const compared = (props: Props) => stableJson({ ...inputsOf(props), [STACK_KEY]: undefined });
  const inputsChanged = compared(olds) !== compared(after as unknown as Props);
  const { plan } = await livePlan(after, true);
  const drift = after.mode === "apply" ? plan.steps.length > 0 : digestOnce(plan) !== olds.planDigest;
  return { changes: inputsChanged || drift, replaces: [], deleteBeforeReplace: false };
}

/** A failed apply: the host packs `id` and `properties` as ErrorResourceInitFailed, so the engine keeps the partial state. */
export class ReconciliationError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = "ReconciliationError";
  }
}

/** The resource's id: the subscriptions it reconciles, then its management groups (`agents:<sub>,mg/<group>`). */
export function idOf(inputs: ReconciliationInputs): string {
  return `agents:${[...inputs.spec.subscriptions, ...inputs.spec.managementGroups.map((g) => `mg/${g}`)].join(",")}`;
}

function describeFailures(results: readonly StepResult[]): string[] {
  return results.filter((r) => r.status === "failed").map((r) => `${r.step.action} ${r.step.target}: ${r.error ?? "failed"}`);
}

/** Plans from the actual state and, in apply mode, applies; throws ReconciliationError when a step fails. */
async function reconcile(id: string, props: Props, named?: string): Promise<ReconciliationOutputs> {
  const inputs = checked(props);
  if (inputs.mode === "report") {
    const { plan } = await livePlan(inputs, false);
    const planFile = await savePlanFile(plan, planDirOf(inputs), inputs, named);
    return plain({ ...inputs, ...reportOf(plan, { applied: 0, failed: 0, remaining: plan.steps.length }, planFile) });
  }
  // The CLI's defaults, journal and lease: an interrupted `pulumi up` resumes as an interrupted
  // apply does, and never runs beside an apply or reconcile of the same subscriptions.
  const options = resolveRuntimeOptions({ delegateAbove: inputs.delegateAbove, concurrency: inputs.concurrency });
  const { conn } = connect(inputs.endpoint);
  const run = await beginRun({
    state: inputs.state ?? options.stateDir,
    subscriptions: inputs.spec.subscriptions,
    managementGroups: inputs.spec.managementGroups,
    resolvedSubscriptions: await subscriptionsToLease(conn, inputs.spec),
    instance: conn.instance,
    command: "pulumi",
  });
  let result;
  let plan: Plan;
  let planFile: string | null = null;
  try {
    const planned = await livePlan(inputs, false);
    const unleased = outOfLease(run.subscriptions, planned.inventory.subscriptions);
    if (unleased.length) throw new Error(`the scope grew after this run took its lease (now also ${unleased.join(", ")}): nothing was applied; run pulumi up again`);
    plan = planned.plan;
    planFile = await savePlanFile(plan, planDirOf(inputs), inputs, named);
    if (plan.steps.length === 0) return plain({ ...inputs, ...reportOf(plan, { applied: 0, failed: 0, remaining: 0 }, planFile) });
    result = await applyPlan(conn, plan, {
      inventory: planned.inventory,
      delegateAbove: options.delegateAbove,
      concurrency: options.concurrency,
      journal: run.journal,
      signal: run.lease.lost,
      // The emulator settles an operation at its first poll; Azure is polled at its own pace.
      pollIntervalMs: conn.cloud === "local" ? 20 : undefined,
    });
  } finally {
    forgetPlans();
    await run.end();
  }
  const applied = result.counts.done + result.counts["already-done"];
  const failed = result.counts.failed;
  const remaining = failed + result.counts.skipped;
  const notDone = new Set(result.results.filter((r) => r.status !== "done" && r.status !== "already-done").map((r) => machineOf(r.step)).filter((m): m is string => typeof m === "string").map((m) => m.toLowerCase()));
  const outstanding: MachineSteps[] = [];
  let outstandingCount = 0;
  for (const m of eachMachineSteps(plan)) {
    if (!notDone.has(m.change.id.toLowerCase())) continue;
    outstandingCount++;
    if (outstanding.length < MAX_MACHINES) outstanding.push(m); // the report keeps no more
  }
  const sharedLeft = result.results.some((r) => r.status !== "done" && r.status !== "already-done" && typeof machineOf(r.step) !== "string");
  const outs = plain({ ...inputs, ...reportOf(plan, { applied, failed, remaining }, planFile, { machines: outstanding, total: outstandingCount, shared: sharedLeft }) });
  if (failed || remaining || result.aborted) {
    const reasons = describeFailures(result.results);
    const head = result.aborted
      ? `stopped: ${result.aborted}`
      : `${failed} of ${plan.steps.length} steps failed${result.counts.skipped ? ` (${result.counts.skipped} skipped after them)` : ""}`;
    const shown = reasons.slice(0, 10).map((r) => `  ${r}`);
    if (reasons.length > shown.length) shown.push(`  ... and ${reasons.length - shown.length} more`);
    throw new ReconciliationError(
      `AgentReconciliation ${id}: ${head}; ${applied} applied. Run \`pulumi up\` again to retry what remains.\n${shown.join("\n")}`,
      id,
      { ...outs, [PROVIDER_KEY]: props[PROVIDER_KEY] },
      reasons,
    );
  }
  return outs;
}

export async function create(props: Props): Promise<{ id: string; outs: ReconciliationOutputs }> {
  const id = idOf(checked(props));
  return { id, outs: await reconcile(id, props) };
}

export async function update(id: string, olds: Props, news: Props): Promise<{ outs: ReconciliationOutputs }> {
  return { outs: await reconcile(id, news, namedPlanFile(olds)) };
}

/**
 * read (`pulumi refresh`): the actual state planned again. remainingSteps, steps, machines,
 * findings and planDigest then describe what is outstanding now (drift made behind the stack's
 * back shows here); stepsApplied and stepsFailed stay those of the last up. The inputs are
 * returned unchanged, so the next diff compares the program with the inputs, not with the drift.
 */
export async function read(id: string, props: Props): Promise<{ id: string; props: Props; inputs: Props }> {
  const inputs = checked(props);
  const { plan } = await livePlan(inputs, false);
  const last = { applied: Number(props.stepsApplied ?? 0), failed: Number(props.stepsFailed ?? 0) };
  const outs = plain({ ...inputs, ...reportOf(plan, { ...last, remaining: plan.steps.length }, await savePlanFile(plan, planDirOf(inputs), inputs, namedPlanFile(props))) });
  return { id, props: outs, inputs: plain(inputsOf(props)) };
}

/**
 * delete: nothing is undone. As with the portal's switch, turning auto provisioning off (or
 * removing this resource) never removes an agent; and what the reconciliation applied at the
 * subscription stays too: a Defender plan is billed until someone sets it to Free, which a
 * destroy must not do behind a user's back (another stack, the portal or a policy may want it on;
 * ARM has no DELETE for a subscription's pricing, so "remove" can only mean "set Free"). The
 * message says what stays and how to turn the plans off.
 */
export async function remove(id: string, props: Props): Promise<void> {
  // The engine shows a provider's standard error under the stack's diagnostics: `pulumi destroy` says so.
  process.stderr.write(`${destroyMessage(id, props)}\n`);
}

/** What `pulumi destroy` of the resource says: what stays, the plans that stay billed, how to turn them off. */
export function destroyMessage(id: string, props: Props): string {
  const spec = (props.spec ?? {}) as { defender?: { servers?: { plan?: string }; containers?: { enabled?: boolean }; plans?: Record<string, { enabled?: boolean }> } };
  const on = [
    ...(spec.defender?.servers?.plan && spec.defender.servers.plan !== "Off" ? [`VirtualMachines (Defender for Servers ${spec.defender.servers.plan})`] : []),
    ...(spec.defender?.containers?.enabled ? ["Containers"] : []),
    ...Object.entries(spec.defender?.plans ?? {})
      .filter(([, p]) => p.enabled)
      .map(([name]) => name),
  ];
  const plans = on.length
    ? ` The Defender plans it set stay on and billed: ${on.join(", ")}; to turn them off, set them off in the spec (defender.servers.plan: Off, containers.enabled: false, plans.<name>.enabled: false) and run \`pulumi up\` (or \`asc-autoprovision apply\`) before destroying.`
    : "";
  return (
    `AgentReconciliation ${id}: removed from the stack; nothing it applied is undone: no agent or extension is uninstalled from any machine (auto provisioning never removes an agent), ` +
    `and the pricings, endpoint-protection (WDATP) switches, data collection rules, solutions, policy assignments, Guest Configuration and managed identities stay as they are.${plans}`
  );
}
