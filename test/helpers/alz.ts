/**
 * An ALZ-style hierarchy over the example inventory: contoso → landingzones → corp | online, and
 * contoso → sandbox. One machine of corp's subscription is in rg-sandbox, tagged provisioning=off.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadInventoryFile } from "../../src/inventory/load";
import type { Inventory } from "../../src/inventory/schema";

export const CORP = "11111111-1111-1111-1111-111111111111";
export const ONLINE = "22222222-2222-2222-2222-222222222222";
export const SANDBOX = "33333333-3333-3333-3333-333333333333";
const CHAIN: Record<string, string[]> = { [CORP]: ["corp", "landingzones", "contoso"], [ONLINE]: ["online", "landingzones", "contoso"], [SANDBOX]: ["sandbox", "contoso"] };

export const rg = (sub: string, name: string) => `/subscriptions/${sub}/resourceGroups/${name}`;

/** `sandbox`: its subscription too, with one machine; `only`: just these subscriptions; `ancestors: false`: a hand-written file without them. */
export function alzInventory(options: { sandbox?: boolean; only?: readonly string[]; ancestors?: boolean } = {}): Inventory {
  const base = loadInventoryFile(join(__dirname, "../../examples/inventory.json"));
  const first = base.machines.find((m) => m.id.includes(CORP))!;
  const tagged = { ...first, id: first.id.replace("rg-prod", "rg-sandbox").replace(/[^/]+$/, "vm-sbx-01"), tags: { Provisioning: "off" } };
  const sandboxed = options.sandbox || options.only?.includes(SANDBOX) ? [{ ...first, id: first.id.replace(CORP, SANDBOX) }] : [];
  const subs = options.only ?? [CORP, ONLINE, ...(options.sandbox ? [SANDBOX] : [])];
  const keep = (id: string) => subs.some((s) => id.includes(s));
  return {
    ...base,
    subscriptions: subs.map((id) => ({ id, onboardedAt: "2020-05-01", ...(options.ancestors === false ? {} : { managementGroupAncestors: CHAIN[id]! }) })),
    machines: [...base.machines, tagged, ...sandboxed].filter((m) => keep(m.id)),
    // The clusters of the subscriptions kept: the loader refuses items of a subscription the inventory does not list.
    clusters: base.clusters.filter((c) => keep(c.id)),
    // Their settings too: the loader refuses settings of a subscription the inventory does not list.
    settings: Object.fromEntries(Object.entries(base.settings).filter(([sub]) => subs.some((s) => s.toLowerCase() === sub.toLowerCase()))),
  };
}

/** Files for the CLI: each spec (YAML text) and inventory written in a new directory. */
export function alzFiles(specs: Record<string, string>, inventories: Record<string, Inventory>): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), "alz-"));
  for (const [name, text] of Object.entries(specs)) writeFileSync(join(dir, name), text);
  for (const [name, inv] of Object.entries(inventories)) writeFileSync(join(dir, name), JSON.stringify(inv));
  return (name) => join(dir, name);
}
