import { join } from "node:path";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { loadInventoryFile, parseInventory } from "../../src/inventory/load";
import { DocumentError } from "../../src/spec/files";
import { issuesOf } from "./issues";
import { machine, SUB, workspace } from "../helpers/fixtures";

const CUSTOMER = "8b1bf93b-7055-4ede-9a36-45fe831e0e2e";

describe("inventory loading", () => {
  it("loads the example and fills optional lists", () => {
    const inv = loadInventoryFile(join(__dirname, "../../examples/inventory.json"));
    expect(inv.machines).toHaveLength(15);
    expect(parseInventory({ version: 1, subscriptions: [] })).toMatchObject({ machines: [], workspaces: [], clusters: [], settings: {} });
  });

  it("reports the JSON path of each problem with the allowed values", () => {
    const bad = { ...machine("vm1"), osType: "Solaris" };
    const issues = issuesOf({ version: 1, subscriptions: [{ id: SUB }], machines: [machine("ok"), bad, { ...machine("vm3"), powerState: 3 }] });
    expect(issues).toEqual([
      { path: "machines[1].osType", message: '"Solaris" is not one of Windows, Linux' },
      { path: "machines[2].powerState", message: "3 is not one of running, stopped, deallocated, starting, stopping, unknown" },
    ]);
  });

  it("names nested paths and missing fields", () => {
    const m = { ...machine("vm1"), extensions: [{ publisher: "p", type: "t" }] };
    expect(issuesOf({ version: 1, subscriptions: [], machines: [m] })).toEqual([{ path: "machines[0].extensions[0].version", message: "is required (string)" }]);
    expect(issuesOf({ version: 1, subscriptions: [], settings: { [SUB]: { pricingTier: "Gold" } } })).toEqual([
      { path: `settings.${SUB}.pricingTier`, message: '"Gold" is not one of Free, Standard' },
    ]);
  });

  it("accepts only version 1", () => {
    expect(issuesOf({ version: 2, subscriptions: [] })).toEqual([{ path: "version", message: "2: must be 1 (the only inventory version this tool reads)" }]);
    expect(issuesOf([])[0]!.message).toMatch(/\[\] is not an object/);
  });

  it("keeps fields it does not know (later versions add fields)", () => {
    const inv = parseInventory({ version: 1, subscriptions: [{ id: SUB }], machines: [{ ...machine("vm1"), tags: { env: "prod" } }] });
    expect((inv.machines[0] as Record<string, unknown>).tags).toEqual({ env: "prod" });
  });

  it("reads data collection rules, their associations and machine identities; older inventories get empty lists", () => {
    const vm = machine("vm1", { identity: { type: "SystemAssigned", principalId: "p1" } });
    const dcrId = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Insights/dataCollectionRules/asc-ws`;
    const inv = parseInventory({
      version: 1,
      subscriptions: [{ id: SUB }],
      machines: [vm],
      dataCollectionRules: [{ id: dcrId, location: "westeurope" }],
      dataCollectionRuleAssociations: [{ id: `${vm.id}/providers/Microsoft.Insights/dataCollectionRuleAssociations/a`, machineId: vm.id, dataCollectionRuleId: dcrId }],
    });
    expect(inv.machines[0]!.identity).toEqual({ type: "SystemAssigned", principalId: "p1" });
    expect(inv.dataCollectionRules).toEqual([{ id: dcrId, location: "westeurope", destinations: [], xPathQueries: [] }]);
    expect(inv.dataCollectionRuleAssociations).toHaveLength(1);
    expect(parseInventory({ version: 1, subscriptions: [] })).toMatchObject({ dataCollectionRules: [], dataCollectionRuleAssociations: [] });
    expect(issuesOf({ version: 1, subscriptions: [], dataCollectionRuleAssociations: [{ id: "a", machineId: "vm1", dataCollectionRuleId: null }] })).toEqual([
      { path: "dataCollectionRuleAssociations[0].machineId", message: expect.stringMatching(/ARM resource id/) },
    ]);
  });

  it("finds duplicates among many machines wherever they are, in any case, and nothing else", () => {
    const machines = Array.from({ length: 20_000 }, (_, i) => machine(`vm-${i}`));
    const copies = [machine("VM-7"), machine("vm-19999"), machine("vm-7")];
    const issues = issuesOf({ version: 1, subscriptions: [{ id: SUB }], machines: [...machines, ...copies] });
    expect(issues.map((x) => x.path)).toEqual(["machines[20000].id", "machines[20001].id", "machines[20002].id"]);
    expect(issues.map((x) => x.message.match(/as machines\[(\d+)\]/)?.[1])).toEqual(["7", "19999", "7"]);
    expect(parseInventory({ version: 1, subscriptions: [{ id: SUB }], machines }).machines).toHaveLength(20_000);
  });

  it("ids the hash folds alike but that differ ('[' and '{', '@' and '`') are not duplicates; non-ASCII letters in another case are", () => {
    const distinct = [machine("vm-[1]"), machine("vm-{1}"), machine("vm@1"), machine("vm`1")];
    expect(parseInventory({ version: 1, subscriptions: [{ id: SUB }], machines: distinct }).machines).toHaveLength(4);
    const accented = [machine("vm-Ärzte"), machine("vm-ärzte"), machine("vm-ärzte2")];
    expect(issuesOf({ version: 1, subscriptions: [{ id: SUB }], machines: accented }).map((x) => x.path)).toEqual(["machines[1].id"]);
  });

  it("keeps a list of machines in the usual shape as it is; a list the schema completes is a new one, the input left alone", () => {
    const machines = [machine("vm1"), machine("vm2")];
    expect(parseInventory({ version: 1, subscriptions: [{ id: SUB }], machines }).machines).toBe(machines);
    // Without solutions the schema fills them in: a new list and item, the input unchanged.
    const { solutions: _, ...bare } = workspace("ws1", CUSTOMER);
    const workspaces = [bare];
    const inv = parseInventory({ version: 1, subscriptions: [{ id: SUB }], workspaces });
    expect(inv.workspaces).not.toBe(workspaces);
    expect(inv.workspaces[0]).toMatchObject({ id: bare.id, solutions: [] });
    expect(workspaces[0]).toBe(bare);
    expect("solutions" in bare).toBe(false);
  });

  it("names a list that is not a list, and fields beside the lists, as before", () => {
    expect(issuesOf({ version: 1, subscriptions: [], machines: { vm1: machine("vm1") } })).toEqual([{ path: "machines", message: expect.stringMatching(/array/) }]);
    expect(issuesOf({ version: 1, subscriptions: "all" })).toEqual([{ path: "subscriptions", message: expect.stringMatching(/array/) }]);
    expect(issuesOf({ version: 1, machines: [] })).toEqual([{ path: "subscriptions", message: expect.stringMatching(/required/) }]);
    expect(issuesOf({ version: 1, subscriptions: [], generatedAt: 5 })).toEqual([{ path: "generatedAt", message: expect.stringMatching(/string/) }]);
  });

  it("a file that is not JSON gets an error naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "inv-"));
    writeFileSync(join(dir, "bad.json"), "{ version: 1");
    expect(() => loadInventoryFile(join(dir, "bad.json"))).toThrow(DocumentError);
    expect(() => loadInventoryFile(join(dir, "bad.json"))).toThrow(/bad\.json is not valid JSON/);
    expect(() => loadInventoryFile(join(dir, "none.json"))).toThrow(/cannot read .*none\.json: ENOENT/);
  });
});
