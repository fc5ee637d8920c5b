/**
 * Reads a plan file back into the plan it was written from (exactly: `readPlan(write(p))` equals
 * `p`), line by line, so a million-machine plan is never one string: the JSON framing and NDJSON
 * of format.ts, and whole documents (version 1, or version 2 reformatted, e.g. by `jq .`) when
 * they fit in memory. For `apply --plan` and anything else that consumes a saved plan.
 *
 * A line-framed file's last line is its digest (digest.ts): a file whose lines do not match it is
 * refused as changed since it was written, before (and rather than) anything else wrong in it.
 */
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import type { AnyStep } from "../plan";
import type { ClusterPlan, Finding, MachinePlan, PlanOf } from "../kernel";
import { LineDigest, type Framing } from "./digest";
import { PLAN_FILE_VERSION, RECORD_OF, SECTIONS, VALUE_SECTIONS, type MachineStepRef, type PlanFileHeader, type SectionName } from "./format";
import { instantiate, type ShapedStep } from "./shapes";

/** A plan as read from a file: the plan, and what the writer put in its header's `meta`. */
export interface ReadPlan {
  readonly plan: PlanOf<AnyStep, string>;
  /** The file's version (1: the whole-plan JSON of earlier releases). */
  readonly version: number;
  readonly meta: Readonly<Record<string, unknown>>;
  /**
   * `matches`: the file ends on the digest of its lines and they match it (a mismatch is an
   * error, PlanFileChangedError). `absent`: it has no digest (an earlier release wrote it).
   * `unchecked`: a whole document (reformatted, e.g. by `jq .`), whose digest is of another text.
   */
  readonly digest: "matches" | "absent" | "unchecked";
}

export class PlanFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanFileError";
  }
}

/** The file's lines do not match the digest it ends on: changed since it was written. */
export class PlanFileChangedError extends PlanFileError {
  /** `source` changed since it was written; `detail`, what reading it found wrong besides, if anything. */
  constructor(
    source: string,
    readonly detail: string | undefined,
  ) {
    super(`${source}: changed since it was written: its content does not match the digest written as its last line${detail ? ` (and ${detail})` : ""}`);
    this.name = "PlanFileChangedError";
  }
}

/** Largest file read as one document (V8's string limit is 512 MiB; JSON.parse needs room beside it). */
const WHOLE_DOCUMENT_LIMIT = 256 * 2 ** 20;

/** Reads a plan file from disk, streaming. */
export async function readPlanFile(path: string): Promise<ReadPlan> {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new PlanFileError(`cannot read the plan ${path}: it is a directory`);
    size = st.size;
  } catch (err) {
    if (err instanceof PlanFileError) throw err;
    throw new PlanFileError(`cannot read the plan ${path}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  const reader = new LineReader(path);
  try {
    for await (const line of lines) if (!reader.line(line)) break;
  } finally {
    lines.close();
  }
  if (reader.wholeDocument) {
    if (size > WHOLE_DOCUMENT_LIMIT) throw new PlanFileError(`${path}: not a plan file this tool wrote (its lines are not records), and too large (${size} bytes) to read as one document`);
    return decodeDocument(parseJson(readFileSync(path, "utf8"), path), path);
  }
  return reader.finish();
}

/** Reads a plan file's text (tests, small plans). */
export function parsePlan(text: string, source = "plan"): ReadPlan {
  const reader = new LineReader(source);
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    if (!reader.line(text.slice(start, end))) break;
    start = end + 1;
  }
  return reader.wholeDocument ? decodeDocument(parseJson(text, source), source) : reader.finish();
}

/** The line framings of format.ts; anything else is read as a whole document. */
class LineReader {
  private framing: Framing | undefined;
  private section: SectionName | undefined;
  private n = 0;
  /** Where the reader is: in the records, after the summary (the digest may follow), or past the end. */
  private at: "records" | "summary" | "end" = "records";
  private digestLine = false;
  /** The first thing wrong found: the lines are still read, to tell a changed file from a broken one. */
  private failed: PlanFileError | undefined;
  private readonly decoder: PlanDecoder;
  private readonly digest = new LineDigest();
  wholeDocument = false;

  constructor(private readonly source: string) {
    this.decoder = new PlanDecoder(source);
  }

  /** Takes one line; false when the rest of the input is not needed line by line. */
  line(raw: string): boolean {
    this.n++;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    this.digest.line(line);
    if (this.framing === undefined) return this.first(line);
    if (line === "" || this.failed) return true;
    try {
      if (this.at === "end") throw this.error("text after the end of the plan");
      if (this.framing === "ndjson") this.ndjson(line);
      else this.json(line);
    } catch (err) {
      if (!(err instanceof PlanFileError)) throw err;
      this.failed = err;
    }
    return true;
  }

  private first(line: string): boolean {
    if (line.startsWith('{"record":"plan"')) {
      this.framing = "ndjson";
      const { record: _record, ...header } = this.parse(line) as Record<string, unknown>;
      this.decoder.header(header as unknown as PlanFileHeader, this.n);
      return true;
    }
    if (line.startsWith('{"version":') && line.endsWith(",")) {
      const header = this.parse(line.slice(0, -1) + "}") as PlanFileHeader;
      if (header.version === PLAN_FILE_VERSION) {
        this.framing = "json";
        this.decoder.header(header, this.n);
        return true;
      }
    }
    this.wholeDocument = true;
    return false;
  }

  private json(line: string): void {
    if (this.section === undefined) {
      const open = /^"([a-z]+)":\[(\],)?$/.exec(line);
      if (open) {
        const name = open[1] as SectionName;
        if (!SECTIONS.includes(name)) throw this.error(`unknown section "${name}"`);
        this.decoder.openSection(name);
        if (!open[2]) this.section = name;
        return;
      }
      // The summary closes the document (an earlier release's), or the digest's line follows it.
      if (this.at === "records" && line.startsWith('"summary":') && (line.endsWith("}") || line.endsWith(","))) {
        this.decoder.summary(this.parse(line.slice('"summary":'.length, -1)), this.n);
        this.at = line.endsWith(",") ? "summary" : "end";
        return;
      }
      if (this.at === "summary" && line.startsWith('"digest":')) {
        this.at = "end";
        this.digestLine = true;
        return;
      }
      throw this.error(this.at === "summary" ? "expected the digest after the summary" : "expected a section or the summary");
    }
    if (line === "]," || line === "]") {
      this.section = undefined;
      return;
    }
    this.decoder.record(this.section, this.parse(line.endsWith(",") ? line.slice(0, -1) : line), this.n);
  }

  private ndjson(line: string): void {
    const rec = this.parse(line) as Record<string, unknown>;
    const type = rec["record"];
    if (this.at === "summary") {
      if (type !== "digest") throw this.error("expected the digest after the summary");
      this.at = "end";
      this.digestLine = true;
      return;
    }
    if (type === "summary") {
      const { record: _record, ...summary } = rec;
      this.decoder.summary(summary, this.n);
      this.at = "summary";
      return;
    }
    const section = SECTIONS.find((s) => RECORD_OF[s].record === type);
    if (!section) throw this.error(`unknown record ${JSON.stringify(type)}`);
    if (VALUE_SECTIONS.has(section)) {
      this.decoder.record(section, rec[RECORD_OF[section].value!], this.n, rec["index"]);
      return;
    }
    const { record: _record, ...body } = rec;
    if (section === "shapes") {
      const { index, ...shape } = body;
      this.decoder.record(section, shape, this.n, index);
    } else this.decoder.record(section, body, this.n);
  }

  finish(): ReadPlan {
    // The digest line's own form is checked here (a line that only starts like one does not match).
    const { written, computed } = this.digest.finish(this.framing!);
    if (written !== undefined && written !== computed) throw new PlanFileChangedError(this.source, this.failed?.message);
    if (this.failed) throw this.failed;
    const summaryOnly = this.at === "summary" && this.framing === "ndjson";
    if (this.at !== "end" && !summaryOnly) throw new PlanFileError(`${this.source}: the plan ends early (no ${this.at === "summary" ? "digest" : "summary"} after line ${this.n}): the file was cut short`);
    if (this.digestLine && written === undefined) throw new PlanFileError(`${this.source}:${this.n}: the digest is not one \`plan\` writes`);
    return { ...this.decoder.finish(), digest: written === undefined ? "absent" : "matches" };
  }

  private parse(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw this.error(`not JSON (${(err as Error).message})`);
    }
  }

  private error(message: string): PlanFileError {
    return new PlanFileError(`${this.source}:${this.n}: ${message}`);
  }
}

/** Builds the plan from the records, checking what refers to what. */
class PlanDecoder {
  private head: PlanFileHeader | undefined;
  private readonly reasons: string[] = [];
  private readonly workspaces: string[] = [];
  private readonly shapes: ShapedStep[] = [];
  private steps: (AnyStep | undefined)[] = [];
  private readonly machines: MachinePlan[] = [];
  private readonly findings: Finding[] = [];
  private clusters: ClusterPlan[] | undefined;
  private sum: PlanOf<AnyStep, string>["summary"] | undefined;

  constructor(private readonly source: string) {}

  header(h: PlanFileHeader, line: number): void {
    if (h.version !== PLAN_FILE_VERSION) throw this.error(line, `version ${JSON.stringify(h.version)} is not ${PLAN_FILE_VERSION}`);
    if (!isCount(h.machineCount) || !isCount(h.stepCount)) throw this.error(line, "the header needs machineCount and stepCount");
    this.head = h;
    this.steps = new Array<AnyStep | undefined>(h.stepCount);
  }

  record(section: SectionName, value: unknown, line: number, index?: unknown): void {
    switch (section) {
      case "reasons":
      case "workspaces": {
        const table = section === "reasons" ? this.reasons : this.workspaces;
        if (typeof value !== "string") throw this.error(line, `a ${RECORD_OF[section].record} must be a string`);
        if (index !== undefined && index !== table.length) throw this.error(line, `${RECORD_OF[section].record} ${String(index)} out of order`);
        table.push(value);
        return;
      }
      case "shapes":
        if (index !== undefined && index !== this.shapes.length) throw this.error(line, `shape ${String(index)} out of order`);
        this.shapes.push(this.stepBody(value, line));
        return;
      case "steps": {
        const { at, ...step } = object(value, line, this);
        this.place(at, this.stepBody(step, line) as AnyStep, line);
        return;
      }
      case "machines":
        this.machine(object(value, line, this), line);
        return;
      case "clusters": {
        const c = object(value, line, this);
        if (typeof c.id !== "string" || c.components === null || typeof c.components !== "object") throw this.error(line, "a cluster needs an id and its components");
        (this.clusters ??= []).push(c as unknown as ClusterPlan);
        return;
      }
      case "findings":
        this.findings.push(object(value, line, this) as unknown as Finding);
        return;
    }
  }

  /** A clusters section, even an empty one, gives the plan its clusters list. */
  openSection(section: SectionName): void {
    if (section === "clusters") this.clusters ??= [];
  }

  summary(value: unknown, line: number): void {
    this.sum = object(value, line, this) as unknown as PlanOf<AnyStep, string>["summary"];
  }

  private machine(rec: Record<string, unknown>, line: number): void {
    const { id, decision, workspace, reason, steps, ...extras } = rec;
    if (typeof id !== "string" || typeof decision !== "string") throw this.error(line, "a machine needs an id and a decision");
    const ws = workspace === null ? null : this.workspaces[workspace as number];
    if (ws === undefined) throw this.error(line, `machine ${id}: workspace ${JSON.stringify(workspace)} is not in the workspaces table`);
    const why = this.reasons[reason as number];
    if (why === undefined) throw this.error(line, `machine ${id}: reason ${JSON.stringify(reason)} is not in the reasons table`);
    if (!Array.isArray(steps)) throw this.error(line, `machine ${id}: no steps list`);
    for (const ref of steps as MachineStepRef[]) {
      const shape = this.shapes[ref?.shape];
      if (!shape) throw this.error(line, `machine ${id}: shape ${JSON.stringify(ref?.shape)} is not in the shapes table`);
      this.place(ref.at, instantiate(shape, id) as AnyStep, line);
    }
    this.machines.push({ id, decision, workspace: ws, reason: why, ...extras });
  }

  private place(at: unknown, step: AnyStep, line: number): void {
    if (!isCount(at) || at >= this.steps.length) throw this.error(line, `step position ${JSON.stringify(at)} is outside 0..${this.steps.length - 1}`);
    if (this.steps[at] !== undefined) throw this.error(line, `two steps at position ${at}`);
    this.steps[at] = step;
  }

  private stepBody(value: unknown, line: number): ShapedStep {
    const s = object(value, line, this);
    if (typeof s.id !== "string" || typeof s.action !== "string" || typeof s.target !== "string" || !Array.isArray(s.dependsOn)) {
      throw this.error(line, "a step needs an id, an action, a target and dependsOn");
    }
    return { id: s.id, action: s.action, target: s.target, dependsOn: s.dependsOn as string[], details: s.details };
  }

  finish(): Omit<ReadPlan, "digest"> {
    const head = this.head!;
    if (!this.sum) throw new PlanFileError(`${this.source}: no summary`);
    if (this.machines.length !== head.machineCount) throw new PlanFileError(`${this.source}: the header announces ${head.machineCount} machine(s), the file has ${this.machines.length}`);
    const missing = this.steps.findIndex((s) => s === undefined);
    if (missing >= 0) throw new PlanFileError(`${this.source}: no step at position ${missing} (the header announces ${head.stepCount})`);
    return {
      plan: { version: 1, machines: this.machines, ...(this.clusters ? { clusters: this.clusters } : {}), steps: this.steps as AnyStep[], findings: this.findings, summary: this.sum },
      version: head.version,
      meta: head.meta ?? {},
    };
  }

  error(line: number, message: string): PlanFileError {
    return new PlanFileError(`${this.source}:${line}: ${message}`);
  }
}

/** A plan file parsed as one document: version 1 as it is, version 2 through the same decoder. */
function decodeDocument(doc: unknown, source: string): ReadPlan {
  const d = doc as Record<string, unknown> | null;
  if (!d || typeof d !== "object" || Array.isArray(d)) throw new PlanFileError(`${source}: not a plan (a JSON object with a version)`);
  if (d.version === 1) {
    for (const key of ["machines", "steps", "findings"] as const) if (!Array.isArray(d[key])) throw new PlanFileError(`${source}: version 1 plan without its ${key} list`);
    return { plan: d as unknown as PlanOf<AnyStep, string>, version: 1, meta: {}, digest: "absent" };
  }
  if (d.version !== PLAN_FILE_VERSION) throw new PlanFileError(`${source}: plan version ${JSON.stringify(d.version)} is not one this tool reads (1 or ${PLAN_FILE_VERSION})`);
  const decoder = new PlanDecoder(source);
  decoder.header({ version: PLAN_FILE_VERSION, machineCount: d.machineCount as number, stepCount: d.stepCount as number, ...(d.meta ? { meta: d.meta as Record<string, unknown> } : {}) }, 1);
  for (const section of SECTIONS) {
    const list = d[section];
    // Only a plan with clusters has their list.
    if (section === "clusters" && list === undefined) continue;
    if (!Array.isArray(list)) throw new PlanFileError(`${source}: no "${section}" list`);
    decoder.openSection(section);
    for (const item of list) decoder.record(section, item, 1);
  }
  decoder.summary(d.summary, 1);
  return { ...decoder.finish(), digest: d.digest === undefined ? "absent" : "unchecked" };
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PlanFileError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
}

function object(value: unknown, line: number, decoder: PlanDecoder): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw decoder.error(line, "expected a JSON object");
  return value as Record<string, unknown>;
}

function isCount(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n >= 0;
}
