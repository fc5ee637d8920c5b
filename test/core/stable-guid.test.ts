/**
 * stableGuidOf hashes long lists in chunks (src/core/kernel/ids.ts): the GUID must stay the one
 * a hash updated part by part gives, since names of remediations already created derive from it.
 */
import { createHash } from "node:crypto";
import { stableGuidOf } from "../../src/core/kernel";

function partByPart(parts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part.toLowerCase()).update("\u0000");
  const h = hash.digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

describe("stableGuidOf", () => {
  it.each([0, 1, 2047, 2048, 2049, 5000])("gives the part-by-part GUID for %i parts", (n) => {
    const odd = ["ΣΑΣ", "VM-Ünïcode", "\ud83d\ude00", "lone \ud800 surrogate", ""];
    const parts = Array.from({ length: n }, (_, i) => `/subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/VM-${i}${odd[i % odd.length]}`);
    expect(stableGuidOf(parts)).toBe(partByPart(parts));
  });
});
