/**
 * An inventory file for a spec (`plan --inventory`, `report --inventory`): refused when the spec
 * reads a machine tag the file's reader did not keep (src/inventory/readFor.ts). Planned anyway,
 * every machine would look untagged: the exclusion would match nothing and the plan would act on
 * machines the spec leaves alone.
 */
import { loadInventoryFile, tagsNotKept, type Inventory } from "../inventory";
import type { Spec } from "../spec";
import { CliError } from "./errors";

export function loadInventoryForSpec(file: string, spec: Spec, specFile: string): Inventory {
  const inventory = loadInventoryFile(file);
  const missing = tagsNotKept(spec, inventory);
  if (!missing.length) return inventory;
  const kept = inventory.readFor!.machineTags;
  throw new CliError(
    `${file} was read for another spec: it kept machine tag(s) ${kept.length ? kept.join(", ") : "(none)"} and not ${missing.map((t) => `${t.name} (${t.field})`).join(", ")}, ` +
      `so its machines would all look untagged there. Read it again for this spec: asc-autoprovision inventory --spec ${specFile} --out ${file}`,
  );
}
