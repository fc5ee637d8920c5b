/**
 * User trial 18b: an inventory read for one spec, planned or reported with another. What it was
 * read for (`readFor`) says which machine tags it kept and which scope it covers; a file without it
 * is taken as before.
 */
import { basisOf, INVENTORY_READ_FOR_ANOTHER_SCOPE, plan, specProblems } from "../../src/core";
import { parseInventory, readForOf, scopeNotRead, tagsNotKept, type Inventory } from "../../src/inventory";
import { parseSpec } from "../../src/spec";
import { alzInventory, CORP, ONLINE, SANDBOX } from "../helpers/alz";

const spec = (text: object) => parseSpec(text);
const withRecord = (inv: Inventory, readFor: Inventory["readFor"]): Inventory => parseInventory(JSON.parse(JSON.stringify({ ...inv, readFor })));

describe("the record the reader writes", () => {
  it("names the scope and the tags the spec reads, lower-case and sorted", () => {
    const s = spec({
      managementGroups: ["contoso"],
      subscriptions: [ONLINE],
      exclude: { subscriptions: [SANDBOX], machineTags: { Provisioning: "off" } },
      defender: { servers: { plan: "P2", overrides: [{ tag: { defenderPlan: "free" }, plan: "Free" }] } },
    });
    expect(readForOf(s)).toEqual({
      subscriptions: [ONLINE],
      managementGroups: ["contoso"],
      excludedSubscriptions: [SANDBOX],
      machineTags: ["defenderplan", "excludemdeautoupdate", "provisioning"],
    });
  });

  it("is checked when loaded: a subscription that is not a GUID is refused", () => {
    expect(() => withRecord(alzInventory(), { subscriptions: ["corp"], managementGroups: [], excludedSubscriptions: [], machineTags: [] })).toThrow(/readFor\.subscriptions\[0\]/);
  });
});

describe("tags the file did not keep", () => {
  const watch = spec({ managementGroups: ["contoso"], exclude: { machineTags: { provisioning: "off" } }, defender: { servers: { plan: "P2", overrides: [{ tag: { defenderPlan: "free" }, plan: "Free" }] } } });

  it("names each tag the spec reads that the reader of another spec left out, with its field", () => {
    const all = withRecord(alzInventory(), { subscriptions: [], managementGroups: ["contoso"], excludedSubscriptions: [], machineTags: ["defenderplan", "excludemdeautoupdate"] });
    expect(tagsNotKept(watch, all)).toEqual([{ name: "provisioning", field: "exclude.machineTags.provisioning" }]);
    expect(tagsNotKept(watch, withRecord(alzInventory(), { ...all.readFor!, machineTags: ["defenderplan", "excludemdeautoupdate", "provisioning"] }))).toEqual([]);
  });

  it("none without a record: an older or hand-written file is taken to hold every tag", () => {
    expect(tagsNotKept(watch, alzInventory())).toEqual([]);
  });
});

describe("a scope the file was not read for", () => {
  const groups = spec({ managementGroups: ["contoso"], logAnalyticsAgent: { autoProvision: true } });
  const corpOnly = withRecord(alzInventory({ only: [CORP] }), { subscriptions: [CORP], managementGroups: [], excludedSubscriptions: [], machineTags: [] });

  it("a management group the file was not read for is a scope problem of the plan (was: planned and counted as the group's, exit 0)", () => {
    expect(scopeNotRead(groups, corpOnly)).toEqual([
      `the inventory was read for subscription(s) ${CORP}, not management group contoso: the subscriptions under contoso that it was not read for are missing from it.`,
    ]);
    const p = plan(groups, corpOnly);
    expect(specProblems(p).map((f) => [f.severity, f.code])).toEqual([["error", INVENTORY_READ_FOR_ANOTHER_SCOPE]]);
    expect(specProblems(p)[0]!.message).toMatch(/^The inventory was read for subscription\(s\) 1{8}-.*Its figures are not the spec's: read it again for this spec \(asc-autoprovision inventory --spec/);
  });

  it("a group under one it was read for is covered (the subscriptions' ancestors say so); one above it is not", () => {
    const contoso = withRecord(alzInventory({ sandbox: true }), { subscriptions: [], managementGroups: ["contoso"], excludedSubscriptions: [], machineTags: [] });
    expect(scopeNotRead(spec({ managementGroups: ["landingzones"] }), contoso)).toEqual([]);
    expect(scopeNotRead(spec({ managementGroups: ["CONTOSO"] }), contoso)).toEqual([]);
    const lz = withRecord(alzInventory(), { subscriptions: [], managementGroups: ["landingzones"], excludedSubscriptions: [], machineTags: [] });
    expect(scopeNotRead(groups, lz)).toEqual([expect.stringContaining("read for management group(s) landingzones, not management group contoso")]);
    // Listed subscriptions it holds: nothing to say (one it lacks is subscription-not-in-inventory already).
    expect(scopeNotRead(spec({ subscriptions: [CORP] }), corpOnly)).toEqual([]);
  });

  it("a subscription the read excluded and the spec does not", () => {
    const less = withRecord(alzInventory(), { subscriptions: [], managementGroups: ["contoso"], excludedSubscriptions: [SANDBOX], machineTags: [] });
    expect(scopeNotRead(groups, less)).toEqual([`the inventory was read with subscription ${SANDBOX} excluded (exclude.subscriptions), which this spec does not exclude: its machines are missing from it.`]);
    expect(scopeNotRead(spec({ managementGroups: ["contoso"], exclude: { subscriptions: [SANDBOX] } }), less)).toEqual([]);
  });

  it("none without a record, as before", () => {
    expect(scopeNotRead(groups, alzInventory({ only: [CORP] }))).toEqual([]);
    expect(specProblems(plan(groups, alzInventory({ only: [CORP] })))).toEqual([]);
  });
});

describe("a saved plan's basis", () => {
  it("does not change with the record: the same live state digests the same", () => {
    const s = spec({ subscriptions: [CORP, ONLINE], logAnalyticsAgent: { autoProvision: true } });
    const bare = alzInventory();
    const recorded = withRecord(bare, readForOf(s));
    const p = plan(s, bare);
    expect(p.steps.length).toBeGreaterThan(0);
    expect(basisOf(s, recorded, plan(s, recorded)).digest).toBe(basisOf(s, bare, p).digest);
  });
});
