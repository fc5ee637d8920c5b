/**
 * The plan file: what `plan --format json` (and `--out`) writes, `--format ndjson` too, and what
 * `readPlan` reads back into the plan exactly. Version 2 of the Plan JSON contract (DESIGN.md
 * "Plan"): the same plan, with what repeats a million times written once.
 *
 * ```
 * {"version":2,"machineCount":<n>,"stepCount":<n>[,"meta":{...}],
 * "reasons":[              each distinct reason sentence once; a machine's "reason" is its index
 * "...",
 * ],
 * "workspaces":[           each distinct target workspace id once; a machine's "workspace" is its index (or null)
 * ],
 * "shapes":[               each distinct step on a machine, with the machine's id written {machine}
 * {"id":"install-extension:{machine}/extensions/...","action":...,"target":...,"dependsOn":[...],"details":{...}},
 * ],
 * "steps":[                the steps on no machine (settings, workspaces, policies), whole
 * {"at":0,"id":...,"action":...,"target":...,"dependsOn":[...],"details":{...}},
 * ],
 * "machines":[             every machine in scope, linked to its steps
 * {"id":...,"decision":...,"workspace":0,"reason":3,"steps":[{"at":17,"shape":2}]},
 * ],
 * "clusters":[             each AKS cluster in scope with its components' decisions (only when the plan has clusters)
 * {"id":...,"components":{"containerSensor":{"decision":...,"reason":...}}},
 * ],
 * "findings":[
 * {"severity":...,"code":...,"target":...,"message":...},
 * ],
 * "summary":{...},
 * "digest":"sha256:<hex>"} the SHA-256 of every line before this one (digest.ts), last
 * ```
 *
 * `plan` writes under `meta.basis` what `apply --plan` checks (src/core/basis): the spec, and
 * digests of the state the steps depend on: `shared` (lower-case id -> digest: subscriptions'
 * settings, workspaces, rules, policies) and `machines` (one fingerprint per entry of the
 * machines list, in its order; "" for a machine no step depends on).
 *
 * `at` is the step's position in the plan's order (steps run in dependency order; a step depends
 * only on earlier ones). A machine's step is its shape with `{machine}` replaced by the machine's
 * id, everywhere. Every record is on a line of its own, so the file streams both ways, and it is
 * plain JSON for `jq` (README "Plan JSON" has recipes). `--format ndjson` writes the same records
 * one per line, each with `"record"`: `plan` (the header), `reason`/`workspace`/`shape` (with
 * their `index`), `step`, `machine`, `cluster`, `finding`, `summary`, `digest`. A file without the digest
 * (written before it was added) reads, but `apply --plan` refuses it.
 */

export const PLAN_FILE_VERSION = 2;

/** The sections of the file, in the order they are written (a table before what refers to it). */
export const SECTIONS = ["reasons", "workspaces", "shapes", "steps", "machines", "clusters", "findings"] as const;
export type SectionName = (typeof SECTIONS)[number];

/** Sections whose records are strings (a table of values) rather than objects. */
export const VALUE_SECTIONS: ReadonlySet<SectionName> = new Set(["reasons", "workspaces"]);

/** The NDJSON record type of each section's records, and the member a value record holds its value in. */
export const RECORD_OF: Readonly<Record<SectionName, { readonly record: string; readonly value?: string }>> = {
  reasons: { record: "reason", value: "text" },
  workspaces: { record: "workspace", value: "id" },
  shapes: { record: "shape" },
  steps: { record: "step" },
  machines: { record: "machine" },
  clusters: { record: "cluster" },
  findings: { record: "finding" },
};

/** The first record: the format's version and how many machines and steps follow. */
export interface PlanFileHeader {
  readonly version: number;
  readonly machineCount: number;
  readonly stepCount: number;
  /** What the writer adds (e.g. what the plan was planned from); read back as it is. */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** A machine's link to one of its steps. */
export interface MachineStepRef {
  readonly at: number;
  readonly shape: number;
}
