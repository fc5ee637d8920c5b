/**
 * A saved plan edited after `plan` wrote it is refused by `apply --plan` (exit 1, nothing sent to
 * ARM), whatever was edited: a step's shape, target or machine, a step dropped or added, the
 * basis. Each edit keeps the file a well-formed plan, laid out line for line as written, which an
 * earlier release applied (a user's trial: a CustomScriptExtension where the plan said the agent).
 * The untouched file is applied exactly.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parsePlan, PlanFileChangedError } from "../../src/core";
import { runCli, startLab, type Lab } from "./helpers";

jest.setTimeout(300_000);

interface Counters {
  total: number;
  byClass: Record<string, number>;
}

type Rec = Record<string, unknown>;
/** A plan file's lines, each with the section it is in ("header", a section's name, "summary", "digest"). */
interface Line {
  section: string;
  text: string;
}

/** The JSON framing's lines by section, so an edit can find the record it changes. */
function linesOf(text: string): Line[] {
  let section = "header";
  return text
    .trimEnd()
    .split("\n")
    .map((line, i) => {
      const open = /^"([a-z]+)":\[/.exec(line);
      if (i === 0) section = "header";
      else if (open) section = open[1]!;
      else if (line.startsWith('"summary":')) section = "summary";
      else if (line.startsWith('"digest":')) section = "digest";
      return { section, text: line };
    });
}

const isRecord = (l: Line) => l.text.startsWith("{");
const parse = (l: Line): Rec => JSON.parse(l.text.replace(/,$/, "")) as Rec;
/** The record written back on its own line, in place, as an editor leaves it. */
const write = (l: Line, rec: Rec): Line => ({ ...l, text: JSON.stringify(rec) + (l.text.endsWith(",") ? "," : "") });
const header = (lines: Line[]): Rec => JSON.parse(lines[0]!.text.slice(0, -1) + "}") as Rec;
const writeHeader = (lines: Line[], h: Rec): void => {
  lines[0] = { ...lines[0]!, text: JSON.stringify(h).slice(0, -1) + "," };
};
function catchError(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  return undefined;
}
const join_ = (lines: Line[]) => lines.map((l) => l.text).join("\n") + "\n";

/** The edits, each one a user (or a tool) could make and an earlier release applied. */
const EDITS: Record<string, (lines: Line[]) => void> = {
  "a shape's publisher and type": (lines) => {
    const i = lines.findIndex((l) => l.section === "shapes" && isRecord(l) && l.text.includes('"publisher":'));
    const shape = parse(lines[i]!);
    lines[i] = write(lines[i]!, { ...shape, details: { ...(shape.details as Rec), publisher: "Microsoft.Compute", type: "CustomScriptExtension" } });
  },
  "a step's target": (lines) => {
    const i = lines.findIndex((l) => l.section === "steps" && isRecord(l));
    const step = parse(lines[i]!);
    lines[i] = write(lines[i]!, { ...step, target: String(step.target).replace(/\/subscriptions\/[0-9a-f-]+/, "/subscriptions/99999999-9999-9999-9999-999999999999") });
  },
  "a machine's id": (lines) => {
    const i = lines.findIndex((l) => l.section === "machines" && isRecord(l) && (parse(l).steps as unknown[]).length > 0);
    const m = parse(lines[i]!);
    lines[i] = write(lines[i]!, { ...m, id: String(m.id).replace(/[^/]+$/, "vm-someone-elses") });
  },
  "a step dropped": (lines) => {
    // The last step, wherever it is, and the header's count: the rest still reads as a plan.
    const h = header(lines);
    const last = (h.stepCount as number) - 1;
    const i = lines.findIndex((l) => isRecord(l) && ((l.section === "steps" && parse(l).at === last) || (l.section === "machines" && (parse(l).steps as { at: number }[]).some((r) => r.at === last))));
    if (lines[i]!.section === "steps") lines.splice(i, 1);
    else {
      const m = parse(lines[i]!);
      lines[i] = write(lines[i]!, { ...m, steps: (m.steps as { at: number }[]).filter((r) => r.at !== last) });
    }
    writeHeader(lines, { ...h, stepCount: last });
  },
  "a step added": (lines) => {
    // A machine the plan leaves alone gets the first shape's step, as the plan's last step.
    const h = header(lines);
    const i = lines.findIndex((l) => l.section === "machines" && isRecord(l) && (parse(l).steps as unknown[]).length === 0);
    const m = parse(lines[i]!);
    lines[i] = write(lines[i]!, { ...m, steps: [{ at: h.stepCount, shape: 0 }] });
    writeHeader(lines, { ...h, stepCount: (h.stepCount as number) + 1 });
  },
  "the basis": (lines) => {
    // A machine's fingerprint emptied: the check of its state skipped.
    const h = header(lines);
    const basis = (h.meta as Rec).basis as { machines: string[] };
    const k = basis.machines.findIndex((f) => f !== "");
    writeHeader(lines, { ...h, meta: { ...(h.meta as Rec), basis: { ...basis, machines: basis.machines.map((f, j) => (j === k ? "" : f)) } } });
  },
};

describe("a saved plan changed since `plan` wrote it", () => {
  let lab: Lab;
  let original: string;
  const file = () => join(lab.dir, "plan.json");
  beforeAll(async () => {
    lab = await startLab(16, {}, 14);
    const planned = runCli(lab, ["plan", "--spec", lab.specPath, "--out", file(), "--quiet"]);
    expect(await planned.exit).toBe(2);
    original = readFileSync(file(), "utf8");
  });
  afterAll(() => lab?.emu.stop());

  /** Applies `text` as a saved plan: its exit, what it said, and what ARM was sent meanwhile. */
  async function apply(name: string, text: string) {
    const path = join(lab.dir, name);
    writeFileSync(path, text);
    await lab.emu.admin("POST", "/admin/counters/reset");
    const run = runCli(lab, ["apply", "--plan", path, "--yes", "--state", lab.stateDir, "--quiet", "--format", "json"]);
    const code = await run.exit;
    const counters = await lab.emu.admin<Counters>("GET", "/admin/counters");
    return { code, stderr: run.stderr(), stdout: run.stdout(), counters };
  }

  it.each(Object.keys(EDITS))("%s: refused, exit 1, nothing sent to ARM", async (edit) => {
    const lines = linesOf(original);
    EDITS[edit]!(lines);
    const text = join_(lines);
    expect(text).not.toBe(original);
    // Still a plan the reader takes but for its digest: the edit alone is what is refused.
    const refused = catchError(() => parsePlan(text));
    expect(refused).toBeInstanceOf(PlanFileChangedError);
    expect((refused as PlanFileChangedError).detail).toBeUndefined();
    const r = await apply(`edited-${edit.replace(/\W+/g, "-")}.json`, text);
    expect(r.stderr).toBe(`asc-autoprovision: --plan ${join(lab.dir, `edited-${edit.replace(/\W+/g, "-")}.json`)}: the file was changed since \`plan\` wrote it: its content does not match the digest \`plan\` wrote as its last line. Nothing was applied: make it again with \`plan --out\`\n`);
    expect(r.code).toBe(1);
    expect(r.counters.byClass.write).toBe(0);
    expect(r.counters.byClass.delete).toBe(0);
    expect(r.counters.total).toBe(0);
  });

  it("reformatted (jq .), or without a digest (an earlier release's): refused, saying what to do", async () => {
    const pretty = await apply("pretty.json", JSON.stringify(JSON.parse(original), null, 2));
    expect(pretty.code).toBe(1);
    expect(pretty.stderr).toContain("is not laid out as `plan` wrote it (reformatted, e.g. by jq), so its digest cannot be checked");
    const lines = linesOf(original);
    const old = lines.filter((l) => l.section !== "digest").map((l) => (l.section === "summary" ? { ...l, text: l.text.replace(/,$/, "}") } : l));
    expect(parsePlan(join_(old)).digest).toBe("absent");
    const r = await apply("old.json", join_(old));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("has no digest (an earlier asc-autoprovision wrote it, or not `plan`), so a change to it could not be told: make it again with `plan --out`");
    expect(pretty.counters.total + r.counters.total).toBe(0);
  });

  it("an NDJSON plan edited the same way is refused", async () => {
    const nd = runCli(lab, ["plan", "--spec", lab.specPath, "--format", "ndjson", "--quiet"]);
    expect(await nd.exit).toBe(2);
    const text = nd.stdout();
    expect(parsePlan(text).digest).toBe("matches");
    const edited = text.replace(/"publisher":"[^"]+"/, '"publisher":"Microsoft.Compute"');
    expect(edited).not.toBe(text);
    const r = await apply("edited.ndjson", edited);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the file was changed since `plan` wrote it");
    expect(r.counters.total).toBe(0);
  });

  it("the untouched file is applied exactly: its steps, each done", async () => {
    const saved = parsePlan(original);
    expect(saved.digest).toBe("matches");
    const r = await apply("untouched.json", original);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { result: { counts: Record<string, number> } };
    expect(result.result.counts).toEqual({ done: saved.plan.steps.length, "already-done": 0, failed: 0, skipped: 0 });
    expect(r.counters.byClass.write).toBeGreaterThan(0);
  });
});
