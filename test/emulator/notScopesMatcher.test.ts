import fc from "fast-check";
import { notScopesMatcher } from "../../src/emulator/remediation/targets";
import { scopeCovers } from "../../src/emulator/util/armId";

// The discovery's notScopes check answers as comparing every scope with scopeCovers did.
const segment = fc.constantFrom("subscriptions", "S1", "s1", "resourceGroups", "rg-A", "rg-a", "rg-ab", "providers", "Microsoft.Compute", "virtualMachines", "vm-1", "VM-1", "vm-10");
const path = fc.array(segment, { minLength: 1, maxLength: 8 }).map((parts) => "/" + parts.join("/"));

describe("notScopesMatcher", () => {
  it("covers an id exactly when some notScope covers it (itself or a parent, any case, trailing slash)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(path, path.map((p) => p + "/")), { maxLength: 6 }), path, (notScopes, id) => {
        expect(notScopesMatcher(notScopes)(id)).toBe(notScopes.some((n) => scopeCovers(n, id)));
      }),
      { numRuns: 2000 },
    );
  });

  it("does not take a name's prefix for its parent", () => {
    const leftOut = notScopesMatcher(["/subscriptions/s1/resourceGroups/rg-a"]);
    expect(leftOut("/subscriptions/s1/resourceGroups/rg-ab/providers/Microsoft.Compute/virtualMachines/vm-1")).toBe(false);
    expect(leftOut("/subscriptions/S1/resourcegroups/RG-A/providers/Microsoft.Compute/virtualMachines/vm-1")).toBe(true);
  });
});
