/**
 * Golden files for the renderers on the example inventory (UPDATE_GOLDEN=1 rewrites them; review
 * the diff before committing).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadInventoryFile } from "../../src/inventory/load";
import { plan } from "../../src/core";
import { parsePlan, renderJson, renderMarkdown, renderText } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";

const root = join(__dirname, "../..");
const inventory = loadInventoryFile(join(root, "examples/inventory.json"));

function golden(name: string, actual: string): void {
  const file = join(root, "test/golden", name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

describe.each(["spec.yaml", "spec-central.yaml", "spec-off.yaml"])("renderers on examples/%s", (specFile) => {
  const p = plan(loadSpecFile(join(root, "examples", specFile)), inventory);
  const base = specFile.replace(/\.yaml$/, "");

  it("text", () => golden(`${base}.plan.txt`, renderText(p)));
  it("markdown", () => golden(`${base}.plan.md`, renderMarkdown(p)));
  it("json is the contract, parseable and stable", () => {
    const json = renderJson(p);
    // The plan file (version 2, compact) is plain JSON, and reads back into the plan exactly.
    expect(JSON.parse(json)).toMatchObject({ version: 2, machineCount: p.machines.length, stepCount: p.steps.length });
    expect(parsePlan(json).plan).toEqual(p);
    expect(renderJson(plan(loadSpecFile(join(root, "examples", specFile)), loadInventoryFile(join(root, "examples/inventory.json"))))).toBe(json);
  });
});

/** The Azure Monitor Agent on its own example fleet (test/reconcile/fixtures). */
const amaInventory = loadInventoryFile(join(__dirname, "fixtures/ama-inventory.json"));
const AMA_SPECS = ["spec-ama.yaml", "spec-ama-central.yaml", "spec-none.yaml"];

describe.each(AMA_SPECS)("renderers on fixtures/%s", (specFile) => {
  const p = plan(loadSpecFile(join(__dirname, "fixtures", specFile)), amaInventory);
  const base = specFile.replace(/\.yaml$/, "");

  it("text", () => golden(`${base}.plan.txt`, renderText(p)));
  it("markdown", () => golden(`${base}.plan.md`, renderMarkdown(p)));
  it("json is parseable and stable", () => {
    const json = renderJson(p);
    // The plan file (version 2, compact) is plain JSON, and reads back into the plan exactly.
    expect(JSON.parse(json)).toMatchObject({ version: 2, machineCount: p.machines.length, stepCount: p.steps.length });
    expect(parsePlan(json).plan).toEqual(p);
    expect(renderJson(plan(loadSpecFile(join(__dirname, "fixtures", specFile)), loadInventoryFile(join(__dirname, "fixtures/ama-inventory.json"))))).toBe(json);
  });
});

describe("markdown", () => {
  it("puts findings first when there are errors, and collapses long lists", () => {
    const md = renderMarkdown(plan(loadSpecFile(join(root, "examples/spec.yaml")), inventory));
    const findings = md.indexOf("#### Findings");
    expect(findings).toBeGreaterThan(0);
    expect(findings).toBeLessThan(md.indexOf("| Decision | Machines | Meaning |"));
    expect(md).toMatch(/^<!-- asc-autoprovision-plan -->\n### asc-autoprovision plan: 7 machines to change across 2 subscriptions/);
    expect(md).toContain("<details><summary>Machines (15)</summary>");
  });

  it("the examples exercise every Log Analytics agent decision, the AMA fixtures every AMA decision (and agent none's)", () => {
    const { DECISIONS } = jest.requireActual("../../src/core") as typeof import("../../src/core");
    const AMA_DECISIONS: readonly string[] = Object.keys((jest.requireActual("../../src/capabilities") as typeof import("../../src/capabilities")).azureMonitorAgent.decisions);
    const seen = new Set<string>();
    for (const f of ["spec.yaml", "spec-central.yaml", "spec-off.yaml"]) {
      for (const m of plan(loadSpecFile(join(root, "examples", f)), inventory).machines) seen.add(m.decision);
    }
    expect([...seen].sort()).toEqual(DECISIONS.filter((d) => !AMA_DECISIONS.includes(d)).sort());
    const seenAma = new Set<string>();
    for (const f of AMA_SPECS) for (const m of plan(loadSpecFile(join(__dirname, "fixtures", f)), amaInventory).machines) seenAma.add(m.decision);
    expect([...seenAma].sort()).toEqual([...AMA_DECISIONS, "keep-existing", "keep-user-workspace", "out-of-scope", "reconnect", "skip-not-eligible"].sort());
  });
});
