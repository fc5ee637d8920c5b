/**
 * The plan file (src/core/planfile): written as it is produced, compact where a fleet repeats
 * itself, plain JSON for jq, and read back into the plan exactly (in both framings, streamed from
 * disk or whole), with machines linked to their steps.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  machineOf,
  MACHINE_PLACEHOLDER,
  parsePlan,
  plan,
  planPieces,
  PlanFileChangedError,
  PlanFileError,
  readPlanFile,
  renderJson,
  streamWriter,
  writePlan,
  type AnyStep,
  type PlanFormat,
} from "../../src/core";
import type { PlanOf } from "../../src/core/kernel";
import { CompactSteps, compactStep } from "../../src/core/kernel/compact";
import { instantiate, ShapeBook } from "../../src/core/planfile/shapes";
import { loadInventoryFile } from "../../src/inventory/load";
import { loadSpecFile } from "../../src/spec/load";
import { inventory, laExtension, machine, spec, SUB, workspace } from "../helpers/fixtures";

const root = join(__dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "planfile-"));
type AnyPlan = PlanOf<AnyStep, string>;

const EXAMPLES: [string, string][] = [
  ...["spec.yaml", "spec-central.yaml", "spec-off.yaml"].map((s): [string, string] => [join(root, "examples", s), join(root, "examples/inventory.json")]),
  ...["spec-ama.yaml", "spec-ama-central.yaml"].map((s): [string, string] => [join(root, "test/reconcile/fixtures", s), join(root, "test/reconcile/fixtures/ama-inventory.json")]),
];

/** A fleet of `n` machines without an agent, spread over regions: many steps of few shapes. */
function fleetPlan(n: number): AnyPlan {
  const regions = ["westeurope", "eastus", "japaneast", "uksouth"];
  const machines = Array.from({ length: n }, (_, i) =>
    machine(`vm-${String(i).padStart(6, "0")}`, { location: regions[i % regions.length]!, osType: i % 3 ? "Windows" : "Linux" }),
  );
  return plan(spec({ workspace: "default" }), inventory({ machines })) as unknown as AnyPlan;
}

async function toFile(p: AnyPlan, format: PlanFormat, name: string): Promise<string> {
  const file = join(dir, name);
  const out = createWriteStream(file);
  await writePlan(p, format, streamWriter(out));
  await new Promise<void>((resolve) => out.end(resolve));
  return file;
}

describe("the plan file reads back into the plan exactly", () => {
  it.each(EXAMPLES)("%s: json, ndjson, streamed from disk and whole", async (specFile, inventoryFile) => {
    const p = plan(loadSpecFile(specFile), loadInventoryFile(inventoryFile));
    for (const format of ["json", "ndjson"] as const) {
      const file = await toFile(p, format, `example.${format}`);
      expect((await readPlanFile(file)).plan).toEqual(p);
      expect(parsePlan(readFileSync(file, "utf8")).plan).toEqual(p);
    }
    // Reformatted by `jq .` (no longer a record per line): still read, as one document.
    expect(parsePlan(JSON.stringify(JSON.parse(renderJson(p)), null, 2)).plan).toEqual(p);
    // Version 1 files (the whole plan as it is) are read too.
    expect(parsePlan(JSON.stringify(p, null, 2))).toMatchObject({ plan: p, version: 1 });
  });

  it("keeps what a capability adds to a machine (generic fields), and steps that cannot be shaped", () => {
    const p = fleetPlan(6);
    const withComponents: AnyPlan = {
      ...p,
      machines: p.machines.map((m, i) => ({ ...m, components: { "defender-endpoint": { decision: i % 2 ? "install" : "compliant", reason: "why" } } })),
      // A step whose details hold the placeholder text itself is written whole, not as a shape.
      steps: p.steps.map((s, i) => (i === p.steps.length - 1 ? { ...s, details: { ...(s.details as object), note: `a literal ${MACHINE_PLACEHOLDER}` } } : s)) as AnyStep[],
    };
    const read = parsePlan(renderJson(withComponents)).plan;
    expect(read).toEqual(withComponents);
    const ndjson = [...planPieces(withComponents, "ndjson")].join("");
    expect(parsePlan(ndjson).plan).toEqual(withComponents);
  });

  it("ids with characters JSON escapes, and a machine id that prefixes another's, survive", () => {
    const a = machine("vm1");
    const b = machine("vm10");
    const p = plan(spec(), inventory({ machines: [a, b] })) as unknown as AnyPlan;
    const odd: AnyPlan = {
      ...p,
      machines: p.machines.map((m) => ({ ...m, reason: `${m.reason} "quoted" \\ back\u2028` })),
    };
    expect(parsePlan(renderJson(odd)).plan).toEqual(odd);
    expect(parsePlan([...planPieces(odd, "ndjson")].join("")).plan).toEqual(odd);
  });

  it("carries the writer's meta in its header", () => {
    const p = fleetPlan(3);
    const text = [...planPieces(p, "json", { meta: { plannedFrom: { digest: "abc" } } })].join("");
    expect(parsePlan(text).meta).toEqual({ plannedFrom: { digest: "abc" } });
  });
});

describe("compact: what a fleet repeats is written once", () => {
  const p = fleetPlan(2000);
  const text = renderJson(p);
  const doc = JSON.parse(text) as {
    version: number;
    reasons: string[];
    workspaces: string[];
    shapes: { id: string; action: string; target: string; details: { machineId: string } }[];
    steps: { at: number; action: string }[];
    machines: { id: string; decision: string; workspace: number | null; reason: number; steps: { at: number; shape: number }[] }[];
  };

  it("a few shapes for two thousand install steps; reasons and workspaces as tables", () => {
    const installs = p.steps.filter((s) => s.action === "install-extension").length;
    expect(installs).toBe(2000);
    expect(doc.shapes.length).toBeLessThanOrEqual(8);
    expect(doc.shapes[0]!.target.startsWith(MACHINE_PLACEHOLDER)).toBe(true);
    expect(doc.shapes[0]!.details.machineId).toBe(MACHINE_PLACEHOLDER);
    expect(doc.reasons.length).toBeLessThanOrEqual(8);
    expect(doc.workspaces.length).toBeLessThanOrEqual(4);
    // Against the whole-plan JSON of version 1, a quarter of the size or less.
    expect(text.length).toBeLessThan(JSON.stringify(p).length / 4);
  });

  it("links every machine to exactly its steps, by position in the plan", () => {
    for (const m of doc.machines) {
      const own = p.steps.flatMap((s, i) => (machineOf(s) === m.id ? [i] : []));
      expect(m.steps.map((r) => r.at)).toEqual(own);
      for (const r of m.steps) expect(doc.shapes[r.shape]!.action).toBe(p.steps[r.at]!.action);
    }
    // The steps on no machine are written whole, with their position.
    expect(doc.steps.map((s) => s.at)).toEqual(p.steps.flatMap((s, i) => (machineOf(s) === undefined ? [i] : [])));
  });

  it("one record per line, so it streams both ways", () => {
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^\{"version":2,"machineCount":2000,"stepCount":\d+,$/);
    expect(lines.length).toBeGreaterThan(2000);
    const ndjson = [...planPieces(p, "ndjson")].join("").trimEnd().split("\n").map((l) => JSON.parse(l) as { record: string });
    expect(ndjson[0]!.record).toBe("plan");
    expect(ndjson.at(-2)!.record).toBe("summary");
    expect(ndjson.at(-1)).toEqual({ record: "digest", digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(ndjson.filter((r) => r.record === "machine")).toHaveLength(2000);
  });

  it("is written in chunks, never as one string, waiting when the writer is full", async () => {
    const chunks: number[] = [];
    let waits = 0;
    await writePlan(p, "json", (chunk) => {
      chunks.push(chunk.length);
      waits++;
      return new Promise<void>((resolve) => setImmediate(resolve));
    });
    const total = chunks.reduce((a, b) => a + b, 0);
    expect(total).toBe(text.length);
    expect(chunks.length).toBeGreaterThan(2);
    expect(Math.max(...chunks)).toBeLessThan(70_000);
    expect(waits).toBe(chunks.length);
  });

  it("yields its records in pieces of many records each (not a piece per record), in both framings and the text plan", () => {
    for (const format of ["json", "ndjson", "text"] as const) {
      const pieces = [...planPieces(p, format)];
      const joined = pieces.join("");
      const lines = joined.split("\n").length;
      // 2,000 machines and their steps: thousands of lines, a few dozen pieces.
      expect(lines).toBeGreaterThan(2000);
      expect(pieces.length).toBeLessThan(lines / 20);
      expect(Math.max(...pieces.map((x) => x.length))).toBeLessThan(70_000);
    }
  });
});

describe("a step's shape when its dependsOn names its machine", () => {
  it("is the same shape for each machine with the same list but for its id, and another when the list differs otherwise", () => {
    const compact = new CompactSteps();
    const book = new ShapeBook();
    const ids = ["vm1", "vm2", "vm10", "vm1x", "vm3"].map((n) => `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${n}`);
    const stepOf = (machineId: string, dependsOn: string[]) => {
      const target = `${machineId}/extensions/AMA`;
      const shape = compact.shapeOf("install-extension", "install-extension:", target, { machineId, type: "AMA" })!;
      return compactStep(shape, machineId, dependsOn) as AnyStep;
    };
    const dep = (id: string) => `enable-identity:${id}`;
    const cases: [string, string[]][] = [
      [ids[0]!, [dep(ids[0]!), "create-dcr:/subscriptions/x/dcr"]],
      [ids[1]!, [dep(ids[1]!), "create-dcr:/subscriptions/x/dcr"]],
      // An id that another id begins with, one named twice, another machine's id, another shared id.
      [ids[2]!, [dep(ids[2]!), "create-dcr:/subscriptions/x/dcr"]],
      [ids[3]!, [dep(ids[3]!) + ids[3]!, "create-dcr:/subscriptions/x/dcr"]],
      [ids[4]!, [dep(ids[0]!), "create-dcr:/subscriptions/x/dcr"]],
      [ids[1]!, [dep(ids[1]!), "create-dcr:/subscriptions/y/dcr"]],
      [ids[4]!, [dep(ids[4]!), "create-dcr:/subscriptions/x/dcr"]],
      // Lists that alternate from machine to machine (with an identity step, without).
      [ids[0]!, []],
      [ids[2]!, [dep(ids[2]!), "create-dcr:/subscriptions/x/dcr"]],
      [ids[1]!, []],
    ];
    const found = cases.map(([id, deps]) => {
      const step = stepOf(id, deps);
      const index = book.shapeOf(step, id);
      expect(instantiate(JSON.parse(book.texts[index]!), id)).toEqual(JSON.parse(JSON.stringify(step)));
      return index;
    });
    expect(found[1]).toBe(found[0]);
    expect(found[2]).toBe(found[0]);
    expect(found[6]).toBe(found[0]);
    expect(new Set([found[0], found[3], found[4], found[5], found[7]]).size).toBe(5);
    expect(found[8]).toBe(found[0]);
    expect(found[9]).toBe(found[7]);
  });

  it("finds a shared dependsOn list seen before by the list itself, however many a shape alternates between, unless it names the machine", () => {
    const compact = new CompactSteps();
    const book = new ShapeBook();
    const idOf = (n: number) => `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm${n}`;
    // Twelve workspaces' lists (more than the cut lists a shape keeps), one list object each, as the planner shares them.
    const lists = Array.from({ length: 12 }, (_, w) => [`install-solution:/subscriptions/${SUB}/ws${w}/Security`, `create-dcr:/subscriptions/${SUB}/dcr${w}`]);
    const stepOf = (machineId: string, dependsOn: string[]) =>
      compactStep(compact.shapeOf("associate-dcr", "associate-dcr:", `${machineId}/dcra`, { machineId, rule: "r" })!, machineId, dependsOn) as AnyStep;
    const steps = Array.from({ length: 120 }, (_, m) => [idOf(m), stepOf(idOf(m), lists[m % lists.length]!)] as const);
    for (const [id, step] of steps.slice(0, lists.length)) book.shapeOf(step, id);
    const stringify = jest.spyOn(JSON, "stringify");
    try {
      const found = steps.map(([id, step]) => book.shapeOf(step, id));
      // Keying a list stringifies each of its ids: a list seen before is not keyed again.
      expect(stringify).not.toHaveBeenCalled();
      expect(found.slice(lists.length)).toEqual(found.slice(0, -lists.length));
    } finally {
      stringify.mockRestore();
    }
    // The same list object on a machine it names: that machine's own file shape, which gives its step back.
    const named = [...lists[0]!];
    book.shapeOf(stepOf(idOf(1), named), idOf(1));
    const owner = `/subscriptions/${SUB}/ws0`;
    const ownStep = stepOf(owner, named);
    const index = book.shapeOf(ownStep, owner);
    expect(book.texts[index]).toContain("{machine}");
    expect(instantiate(JSON.parse(book.texts[index]!), owner)).toEqual(JSON.parse(JSON.stringify(ownStep)));
  });
});

describe("a damaged plan file is refused, naming where", () => {
  const p = fleetPlan(20);
  const text = renderJson(p);

  it("cut short", () => {
    const cut = text.split("\n").slice(0, -3).join("\n");
    expect(() => parsePlan(cut, "plan.json")).toThrow(/plan\.json: the plan ends early .*cut short/);
  });

  it("a step position used twice, or one missing", () => {
    const lines = text.split("\n");
    const i = lines.findIndex((l) => l.startsWith('{"id":') && l.includes('"steps":[{"at":'));
    const twice = lines.map((l, k) => (k === i + 1 ? l.replace(/"at":\d+/, lines[i]!.match(/"at":\d+/)![0]) : l)).join("\n");
    expect(() => parsePlan(twice, "p")).toThrow(/p:\d+: two steps at position \d+/);
  });

  it("a shape that is not in the table", () => {
    const bad = text.replace(/"shape":0\}/, '"shape":999}');
    expect(() => parsePlan(bad, "p")).toThrow(/shape 999 is not in the shapes table/);
  });

  it("not a plan at all", () => {
    const file = join(dir, "not-a-plan.json");
    writeFileSync(file, '{"hello": 1}');
    return expect(readPlanFile(file)).rejects.toThrow(PlanFileError);
  });

  it("a missing file or a directory", async () => {
    await expect(readPlanFile(join(dir, "nope.json"))).rejects.toThrow(/cannot read the plan .*nope\.json: no such file/);
    await expect(readPlanFile(dir)).rejects.toThrow(/is a directory/);
  });
});

it("the fixture helpers still build what the planner reads", () => {
  // Guards the builders this file relies on (a machine with an extension plans no install).
  const ws = workspace("ops", "c1", { solutions: ["Security"] });
  const p = plan(spec({ workspace: { id: ws.id } }), inventory({ workspaces: [ws], machines: [machine("m1", { extensions: [laExtension("Windows", "1.0", "c1")] })] }));
  expect(p.machines[0]!.decision).toBe("compliant");
  expect(p.machines[0]!.id.startsWith(`/subscriptions/${SUB}`)).toBe(true);
});

describe("the file ends on the digest of what precedes it, and a changed file is refused", () => {
  const p = fleetPlan(30);
  const framings = ["json", "ndjson"] as const;
  const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

  it.each(framings)("%s: the last line holds the SHA-256 of every line before it (as `head -n -1 | sha256sum` computes it)", async (format) => {
    const text = [...planPieces(p, format)].join("");
    const lines = text.trimEnd().split("\n");
    const last = lines.at(-1)!;
    const digest = sha256(text.slice(0, text.length - last.length - 1));
    expect(last).toBe(format === "json" ? `"digest":"${digest}"}` : `{"record":"digest","digest":"${digest}"}`);
    expect(JSON.parse(format === "json" ? text : last)).toMatchObject({ digest });
    const file = await toFile(p, format, `digest.${format}`);
    expect(await readPlanFile(file)).toMatchObject({ plan: p, digest: "matches" });
  });

  it.each(framings)("%s: any one line changed, dropped, doubled or moved is refused as changed, streamed and whole", async (format) => {
    const lines = [...planPieces(p, format)].join("").trimEnd().split("\n");
    const machine = lines.findIndex((l) => l.includes('"decision":'));
    const shape = lines.findIndex((l) => l.includes("{machine}"));
    const edits: string[][] = [
      lines.map((l, i) => (i === shape ? l.replace("{machine}/extensions/", "{machine}/extensions/x") : l)),
      lines.map((l, i) => (i === machine ? l.replace(/"decision":"[^"]+"/, '"decision":"compliant"') : l)),
      lines.map((l, i) => (i === 0 ? l.replace(/"machineCount":\d+/, '"machineCount":29') : l)),
      [...lines.slice(0, machine + 1), lines[machine + 1]!.replace(/"id":"[^"]+"/, JSON.stringify({ id: "vm-x" }).slice(1, -1)), ...lines.slice(machine + 2)],
      [...lines.slice(0, -2), lines.at(-2)!.replace(/:(\d+)/, (_, n: string) => `:${Number(n) + 1}`), lines.at(-1)!],
      lines.filter((_, i) => i !== machine),
      [...lines.slice(0, shape + 1), lines[shape]!, ...lines.slice(shape + 1)],
      [...lines.slice(0, machine), lines[machine + 1]!, lines[machine]!, ...lines.slice(machine + 2)],
    ];
    for (const [k, edited] of edits.entries()) {
      const text = edited.join("\n") + "\n";
      expect(text).not.toBe(lines.join("\n") + "\n");
      expect(() => parsePlan(text, "p")).toThrow(PlanFileChangedError);
      const file = join(dir, `changed-${k}.${format}`);
      writeFileSync(file, text);
      await expect(readPlanFile(file)).rejects.toThrow(/changed-\d+\.n?d?json: changed since it was written: its content does not match the digest written as its last line/);
    }
    // Broken besides: the reader says it was changed, and what it found.
    const broken = lines.map((l, i) => (i === machine ? l.replace(/"shape":\d+/, '"shape":999') : l)).join("\n");
    expect(() => parsePlan(broken, "p")).toThrow(/^p: changed since it was written: .*\(and p:\d+: machine .* shape 999 is not in the shapes table\)$/);
  });

  it("a file an earlier release wrote (no digest) reads, saying it has none; a reformatted one cannot be checked", () => {
    const json = renderJson(p);
    const lines = json.trimEnd().split("\n");
    const old = [...lines.slice(0, -2), lines.at(-2)!.replace(/,$/, "}")].join("\n") + "\n";
    expect(parsePlan(old)).toMatchObject({ plan: p, digest: "absent" });
    const ndjson = [...planPieces(p, "ndjson")].join("").trimEnd().split("\n").slice(0, -1).join("\n");
    expect(parsePlan(ndjson)).toMatchObject({ plan: p, digest: "absent" });
    expect(parsePlan(JSON.stringify(JSON.parse(json), null, 1))).toMatchObject({ plan: p, digest: "unchecked" });
    expect(parsePlan(JSON.stringify(JSON.parse(old), null, 1))).toMatchObject({ plan: p, digest: "absent" });
  });

  it("a digest line not as written is refused, and nothing may follow it", () => {
    const json = renderJson(p);
    expect(() => parsePlan(json.replace(/"digest":"sha256:[0-9a-f]+"/, '"digest":"md5:0"'), "p")).toThrow(/p:\d+: the digest is not one `plan` writes/);
    expect(() => parsePlan(json + '"more":1}\n', "p")).toThrow(/p:\d+: text after the end of the plan/);
    // Blank lines after the end are no change, nor line ends a checkout converted.
    expect(parsePlan(json + "\n\n").digest).toBe("matches");
    expect(parsePlan(json.replace(/\n/g, "\r\n"))).toMatchObject({ plan: p, digest: "matches" });
  });
});

describe("clusters in the plan file", () => {
  it("each cluster with its components' decisions reads back in every framing, and jq sees them", async () => {
    const { defenderSpec, settings, SUB: sub } = await import("../reconcile/defender.fixtures");
    const cluster = (name: string, addons: object) => ({ id: `/subscriptions/${sub}/resourceGroups/rg-aks/providers/Microsoft.ContainerService/managedClusters/${name}`, location: "westeurope", addons });
    const p = plan(
      defenderSpec({ containers: { enabled: true } }),
      inventory({ clusters: [cluster("aks-1", {}), cluster("aks-2", { azurepolicy: { enabled: true } })] as never, settings: { [sub]: settings() } }),
    ) as unknown as AnyPlan;
    expect(p.clusters).toHaveLength(2);
    for (const format of ["json", "ndjson"] as const) {
      const file = await toFile(p, format, `clusters.${format}`);
      expect((await readPlanFile(file)).plan).toEqual(p);
    }
    const doc = JSON.parse(renderJson(p)) as { clusters: { id: string; components: Record<string, { decision: string }> }[] };
    expect(doc.clusters.map((c) => [c.id.split("/").pop(), c.components["kubernetesPolicyAddon"]?.decision])).toEqual([
      ["aks-1", "addon-enable"],
      ["aks-2", p.clusters![1]!.components["kubernetesPolicyAddon"]!.decision],
    ]);
    expect(parsePlan(JSON.stringify(JSON.parse(renderJson(p)), null, 2)).plan).toEqual(p);
  });
});
