/**
 * How CompactSteps finds a step's shape (src/core/kernel/compact.ts): the few shapes of an action
 * and target suffix are tried by comparison before the trie's walk, and both must agree on what a
 * shape is: the machine's own id is a placeholder, any other value (even another machine's id) is
 * itself.
 */
import { CompactSteps, shapeDetails } from "../../src/core/kernel/compact";

const A = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/a";
const B = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/b";

describe("compact step shapes", () => {
  it("machines planned alike share a shape; any other value makes another", () => {
    const c = new CompactSteps();
    const s1 = c.shapeOf("install-extension", "install-extension:", `${A}/extensions/x`, { machineId: A, location: "eastus", on: true });
    const s2 = c.shapeOf("install-extension", "install-extension:", `${B}/extensions/x`, { machineId: B, location: "eastus", on: true });
    const s3 = c.shapeOf("install-extension", "install-extension:", `${B}/extensions/x`, { machineId: B, location: "westus", on: true });
    const s4 = c.shapeOf("install-extension", "install-extension:", `${B}/extensions/x`, { machineId: B, on: true, location: "eastus" });
    expect(s1).toBeDefined();
    expect(s2).toBe(s1);
    expect(s3).not.toBe(s1);
    expect(s4).not.toBe(s1);
    expect(shapeDetails(s4!, B)).toEqual({ machineId: B, on: true, location: "eastus" });
  });

  it("another machine's id in the details is a value of the shape, not the placeholder", () => {
    const c = new CompactSteps();
    const onA = c.shapeOf("link", "link:", `${A}/links/l`, { machineId: A, peer: B });
    const onB = c.shapeOf("link", "link:", `${B}/links/l`, { machineId: B, peer: B });
    expect(onB).not.toBe(onA);
    expect(shapeDetails(onA!, B)).toEqual({ machineId: B, peer: B });
    expect(shapeDetails(onB!, A)).toEqual({ machineId: A, peer: A });
    // Found again by comparison, each is the same shape.
    expect(c.shapeOf("link", "link:", `${B}/links/l`, { machineId: B, peer: B })).toBe(onB);
    expect(c.shapeOf("link", "link:", `${A}/links/l`, { machineId: A, peer: B })).toBe(onA);
    const third = c.shapeOf("link", "link:", `${B}/links/l`, { machineId: B, peer: A });
    expect([onA, onB]).not.toContain(third);
    expect(shapeDetails(third!, B)).toEqual({ machineId: B, peer: A });
  });

  it("a target that does not start with the machine's id, or nested details, is not compact", () => {
    const c = new CompactSteps();
    expect(c.shapeOf("x", "x:", `/other${A}`, { machineId: A })).toBeUndefined();
    expect(c.shapeOf("x", "x:", A.slice(0, 10), { machineId: A })).toBeUndefined();
    expect(c.shapeOf("x", "x:", A, { machineId: A, nested: { a: 1 } })).toBeUndefined();
    expect(c.shapeOf("x", "x:", A, { machineId: A })?.suffix).toBe("");
  });
});
