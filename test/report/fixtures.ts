/**
 * Three inventories of the example fleet over time, for the report's drift: the example as it is
 * (2026-11-24), the same once the plan is applied (2026-11-25 06:00), and a day later with
 * vm-web-01 gone and a new machine vm-web-03 without an agent (2026-11-26).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadInventoryFile } from "../../src/inventory/load";
import type { Inventory } from "../../src/inventory/schema";
import { plan } from "../../src/core";
import { simulate } from "../../src/core";
import { loadSpecFile } from "../../src/spec/load";
import type { Spec } from "../../src/spec/schema";

export const root = join(__dirname, "../..");
export const example = (f: string) => join(root, "examples", f);

export interface Timeline {
  readonly spec: Spec;
  readonly specFile: string;
  readonly inventories: readonly Inventory[];
  /** The files, oldest first: day1 is examples/inventory.json itself. */
  readonly files: readonly string[];
  readonly dir: string;
}

export function timeline(): Timeline {
  const specFile = example("spec.yaml");
  const spec = loadSpecFile(specFile);
  const day1 = loadInventoryFile(example("inventory.json"));
  const day2: Inventory = { ...simulate(plan(spec, day1), day1), generatedAt: "2026-11-25T06:00:00Z" };
  const day3: Inventory = structuredClone(day2);
  day3.generatedAt = "2026-11-26T00:00:00Z";
  const web02 = day3.machines.find((m) => m.id.endsWith("/vm-web-02"))!;
  day3.machines.push({ ...structuredClone(web02), id: web02.id.replace(/vm-web-02$/, "vm-web-03"), extensions: [] });
  day3.machines = day3.machines.filter((m) => !m.id.endsWith("/vm-web-01"));
  const dir = mkdtempSync(join(tmpdir(), "report-"));
  const day2File = join(dir, "inventory-day2.json");
  const day3File = join(dir, "inventory-day3.json");
  writeFileSync(day2File, JSON.stringify(day2, null, 2));
  writeFileSync(day3File, JSON.stringify(day3, null, 2));
  return { spec, specFile, inventories: [day1, day2, day3], files: [example("inventory.json"), day2File, day3File], dir };
}
