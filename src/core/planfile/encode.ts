/**
 * A plan as the records of its file (format.ts): tables of what repeats (reasons, workspaces,
 * step shapes), the steps on no machine, the machines with their steps, findings, summary. Each
 * record is produced when it is written, as JSON text, so no whole-plan string is ever built.
 *
 * The work is linear: one pass over the machines (the tables), one over the steps (their machine
 * and shape), then the records. A machine's steps are found through its position in the plan's
 * machines (sorted by id, as the planner emits them) without an index of a million ids.
 */
import { REGISTRY, type Catalog } from "../catalog";
import { machineLocator, machineReader, type RenderedPlan, type RenderedStep } from "../render/facts";
import { stepRecords } from "../render/records";
import { PLAN_FILE_VERSION, SECTIONS, type PlanFileHeader, type SectionName } from "./format";
import { ShapeBook } from "./shapes";

export interface EncodedSection {
  readonly name: SectionName;
  readonly count: number;
  /** Record i's JSON text (0 <= i < count), made when asked: the framing asks in order, without a generator per record. */
  record(i: number): string;
}

export interface EncodedPlan {
  readonly header: PlanFileHeader;
  readonly sections: readonly EncodedSection[];
  /** The summary's JSON text. */
  readonly summary: string;
}

export interface EncodeOptions {
  readonly catalog?: Catalog;
  /** Written in the header under `meta` (e.g. what the plan was planned from). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

export function encodePlan(plan: RenderedPlan, options: EncodeOptions = {}): EncodedPlan {
  const catalog = options.catalog ?? REGISTRY;
  const machines = plan.machines;
  const steps = plan.steps;
  const clusters = plan.clusters;

  // Tables of the machines' repeated values: each distinct reason and workspace once.
  const reasons = new Table();
  const workspaces = new Table();
  for (const m of machines) {
    reasons.add(m.reason);
    if (m.workspace !== null && m.workspace !== undefined) workspaces.add(m.workspace);
  }

  // Each step's machine (or -1: a step on no machine of the plan) and shape.
  const locate = machineLocator(machines);
  const shapes = new ShapeBook();
  const stepMachine = new Int32Array(steps.length).fill(-1);
  const stepShape = new Int32Array(steps.length).fill(-1);
  const perMachine = new Int32Array(machines.length + 1);
  const machineOf = machineReader(catalog);
  let shared = 0;
  const records = stepRecords(steps);
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    const record = records[i];
    const id = machineOf(s, record);
    const m = id === undefined ? -1 : locate(id);
    const shape = m < 0 ? -1 : shapes.shapeOf(s, machines[m]!.id, record);
    if (shape < 0) {
      shared++;
      continue;
    }
    stepMachine[i] = m;
    stepShape[i] = shape;
    perMachine[m + 1]!++;
  }
  // perMachine becomes offsets into `order`, which lists each machine's steps in plan order.
  for (let m = 0; m < machines.length; m++) perMachine[m + 1]! += perMachine[m]!;
  const order = new Int32Array(perMachine[machines.length]!);
  const fill = perMachine.slice(0, machines.length);
  for (let i = 0; i < steps.length; i++) {
    const m = stepMachine[i]!;
    if (m >= 0) order[fill[m]!++] = i;
  }

  const sharedSteps = new Int32Array(shared);
  for (let i = 0, k = 0; i < steps.length; i++) if (stepMachine[i]! < 0) sharedSteps[k++] = i;
  // A machine's decision as JSON, once per decision.
  const decisions = new Map<string, string>();
  const decisionText = (d: string) => {
    let text = decisions.get(d);
    if (text === undefined) decisions.set(d, (text = quote(d)));
    return text;
  };

  const sections: Record<SectionName, EncodedSection> = {
    reasons: { name: "reasons", count: reasons.values.length, record: (i) => quote(reasons.values[i]!) },
    workspaces: { name: "workspaces", count: workspaces.values.length, record: (i) => quote(workspaces.values[i]!) },
    shapes: { name: "shapes", count: shapes.texts.length, record: (i) => shapes.texts[i]! },
    steps: { name: "steps", count: shared, record: (k) => sharedStepRecord(sharedSteps[k]!, steps[sharedSteps[k]!]!) },
    machines: {
      name: "machines",
      count: machines.length,
      record: (m) => {
        const machine = machines[m]!;
        let text = `{"id":${quote(machine.id)},"decision":${decisionText(machine.decision)},"workspace":${machine.workspace == null ? "null" : workspaces.indexOf(machine.workspace)},"reason":${reasons.indexOf(machine.reason)}`;
        text += extraFields(machine);
        text += ',"steps":[';
        const to = perMachine[m + 1]!;
        for (let k = perMachine[m]!; k < to; k++) {
          const i = order[k]!;
          text += `${k === perMachine[m] ? "" : ","}{"at":${i},"shape":${stepShape[i]}}`;
        }
        return text + "]}";
      },
    },
    clusters: { name: "clusters", count: clusters?.length ?? 0, record: (i) => JSON.stringify(clusters![i]) },
    findings: { name: "findings", count: plan.findings.length, record: (i) => JSON.stringify(plan.findings[i]) },
  };
  return {
    header: { version: PLAN_FILE_VERSION, machineCount: machines.length, stepCount: steps.length, ...(options.meta ? { meta: options.meta } : {}) },
    // A plan without clusters (no capability plans them) has no clusters section: it reads back without the list.
    sections: SECTIONS.filter((name) => name !== "clusters" || clusters !== undefined).map((name) => sections[name]),
    summary: JSON.stringify(plan.summary),
  };
}

function sharedStepRecord(at: number, s: RenderedStep): string {
  return JSON.stringify({ at, id: s.id, action: s.action, target: s.target, dependsOn: s.dependsOn, details: s.details });
}

/** Fields of a machine plan other than the four the format compacts (a capability's own), as JSON members. */
function extraFields(machine: RenderedPlan["machines"][number]): string {
  let out = "";
  const fields = machine as unknown as Record<string, unknown>;
  for (const key in fields) {
    // The four the format writes itself (comparisons, not a set's lookup: a million machines).
    if (key === "id" || key === "decision" || key === "workspace" || key === "reason" || fields[key] === undefined) continue;
    if (key === "steps") throw new Error(`a machine plan may not have its own "steps" field (the plan file links machines to their steps by that name): ${machine.id}`);
    out += `,${quote(key)}:${JSON.stringify(fields[key])}`;
  }
  return out;
}

/** Distinct strings in first-seen order, with their index. */
class Table {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  add(value: string): void {
    if (!this.index.has(value)) {
      this.index.set(value, this.values.length);
      this.values.push(value);
    }
  }
  indexOf(value: string): number {
    return this.index.get(value)!;
  }
}

/** A JSON string; plain ids and words (the usual case) without JSON.stringify. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
export function quote(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s);
}
