/** groupScopeOf (extension-policies/groups.ts) scans slashes for speed: it answers as the `/i` expression it replaced. */
import fc from "fast-check";
import { groupScopeOf } from "../../src/capabilities/extension-policies/groups";

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
