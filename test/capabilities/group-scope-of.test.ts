/** groupScopeOf and groupKeysOf (extension-policies/groups.ts) scan slashes for speed: they answer as the `/i` expression they replaced. */
import fc from "fast-check";
import { groupKeysOf, groupScopeOf } from "../../src/capabilities/extension-policies/groups";

const byExpression = (id: string): string | undefined => /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i.exec(id)?.[0];

describe("groupScopeOf", () => {
  it("answers as the case-insensitive expression, for ids built from ARM's pieces", () => {
    const piece = fc.constantFrom("/", "subscriptions", "SUBSCRIPTIONS", "resourceGroups", "resourcegroupS", "resourceGroup", "rg-1", "a", "K", "\u212a", "ſ", "İ", "providers", "");
    const id = fc.array(piece, { maxLength: 8 }).map((ps) => ps.join(""));
    fc.assert(fc.property(id, (s) => groupScopeOf(s) === byExpression(s)), { numRuns: 20000 });
  });

  it("ARM ids", () => {
    const sub = "/subscriptions/aaaaaaaa-0000-4000-8000-000000000001";
    expect(groupScopeOf(`${sub}/resourceGroups/rg-a/providers/Microsoft.Compute/virtualMachines/vm1`)).toBe(`${sub}/resourceGroups/rg-a`);
    expect(groupScopeOf(`${sub}/RESOURCEGROUPS/Rg-A`)).toBe(`${sub}/RESOURCEGROUPS/Rg-A`);
    expect(groupScopeOf(`${sub}/resourceGroups/`)).toBeUndefined();
    expect(groupScopeOf(`${sub}/providers/Microsoft.Security/pricings/VirtualMachines`)).toBeUndefined();
    expect(groupScopeOf(`/subscriptions//resourceGroups/rg`)).toBeUndefined();
    expect(groupScopeOf(sub)).toBeUndefined();
  });
});

describe("groupKeysOf", () => {
  it("gives each id its lower-case group scope, sharing it down a run of one group", () => {
    const sub = "/subscriptions/s1";
    const ids = [
      `${sub}/resourceGroups/RG-A/providers/x/vm1`,
      `${sub}/resourceGroups/RG-A/providers/x/vm2`,
      `${sub}/resourceGroups/RG-A`,
      `${sub}/resourceGroups/RG-AB/providers/x/vm3`,
      `${sub}/providers/x/y`,
      `${sub}/resourcegroups/rg-a/providers/x/vm4`,
      `${sub}/resourceGroups/RG-A/providers/x/vm5`,
    ];
    expect(groupKeysOf(ids)).toEqual(ids.map((id) => groupScopeOf(id)?.toLowerCase() ?? ""));
    expect(groupKeysOf(ids)[3]).toBe(`${sub}/resourcegroups/rg-ab`);
  });

  it("answers as groupScopeOf id by id, for any list", () => {
    const piece = fc.constantFrom("/subscriptions/s/resourceGroups/", "/subscriptions/s/resourcegroups/", "rg", "RG", "a", "/", "/providers/vm");
    const id = fc.array(piece, { maxLength: 6 }).map((ps) => ps.join(""));
    fc.assert(fc.property(fc.array(id, { maxLength: 12 }), (ids) => {
      const keys = groupKeysOf(ids);
      return ids.every((s, i) => keys[i] === (groupScopeOf(s)?.toLowerCase() ?? ""));
    }), { numRuns: 5000 });
  });
});
