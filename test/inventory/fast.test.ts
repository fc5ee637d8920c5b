/**
 * The loader keeps a machine as it is when plainMachine says the schema would return it unchanged
 * (src/inventory/fast.ts): the two must agree on every field the schema declares, or a malformed
 * machine would be planned unchecked.
 */
import { plainMachine } from "../../src/inventory/fast";
import { machineSchema } from "../../src/inventory/schema";
import { machine, SUB } from "../helpers/fixtures";

const RG = `/subscriptions/${SUB}/resourceGroups/rg`;

/** Values of each field, well-formed and not, tried one field at a time on a usual machine. */
const VALUES: Record<string, unknown[]> = {
  id: [
    `${RG}/providers/Microsoft.Compute/virtualMachines/a`,
    `${RG.toUpperCase()}/providers/microsoft.compute/VIRTUALMACHINES/a`,
    "vm1",
    `${RG}/providers/Microsoft.Compute/virtualMachines/..`,
    `${RG}/providers/Microsoft.Compute/virtualMachines/a#b`,
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/a",
    `/subscriptions/${SUB}/resourcegroup/rg/providers/Microsoft.Compute/virtualMachines/a`,
    `${RG}/providers/Microsoft.HybridCompute/machines/a`,
    `${RG}/providers/Microsoft.Compute/virtualMachines/a/extensions/b`,
    5,
  ],
  kind: ["vm", "vmss", "arc", "pc", undefined],
  osType: ["Windows", "Linux", "Solaris", undefined],
  location: ["westeurope", "", 1],
  powerState: ["running", "deallocated", "off"],
  vmAgent: [true, false, "yes", undefined],
  appliance: [true, "no", undefined],
  extensions: [[], [{ publisher: "p", type: "t", version: "1" }], [{ publisher: "p", type: "t" }], [{ publisher: "p", type: "t", version: "1", name: "a/b" }],
    [{ publisher: "p", type: "t", version: "1", provisioningState: "Failed", failure: { code: "ProvisioningState/failed/10", message: "m" } }],
    [{ publisher: "p", type: "t", version: "1", failure: { code: 10 } }],
    [{ publisher: "p", type: "t", version: "1", failure: "exit code 10" }],
    {},
    undefined,
  ],
  agents: [[], [{ kind: "scom", version: "2012" }], [{ kind: "other" }], [{ kind: "direct", workspaceCustomerIds: [1] }], undefined],
  identity: [null, { type: "SystemAssigned", principalId: "p" }, { type: "" }, { principalId: "p" }, "SystemAssigned", undefined],
  tags: [{ env: "prod" }, { env: 1 }, [], undefined],
  osName: ["Windows Server 2016 Datacenter", 5, null, undefined],
  generalized: [true, false, "yes", undefined],
  pricing: [null, { pricingTier: "Standard" }, { pricingTier: "Free", subPlan: null }, { pricingTier: "Gold" }, { pricingTier: "Standard", subPlan: 2 }, 7, undefined],
  scaleSet: [
    { upgradePolicy: "Manual", instances: 4, instancesNotUpgraded: 1 },
    { upgradePolicy: "Automatic" },
    { upgradePolicy: "Bogus" },
    { upgradePolicy: "Manual", instances: -1 },
    { upgradePolicy: "Manual", instancesNotUpgraded: 1.5 },
    null,
    undefined,
  ],
  vulnerabilityAssessment: [null, { name: "MdeTvm", provisioningState: "Succeeded" }, { name: "" }, { name: "x", provisioningState: 1 }, 3, undefined],
};

describe("plainMachine", () => {
  it("has values for every field the machine schema declares", () => {
    expect(Object.keys(VALUES).sort()).toEqual(Object.keys(machineSchema.shape).sort());
  });

  it.each(Object.entries(VALUES))("agrees with the schema on %s: a machine it keeps is one the schema returns unchanged", (field, values) => {
    for (const value of values) {
      const candidate: Record<string, unknown> = { ...machine("vm1") };
      if (value === undefined) delete candidate[field];
      else candidate[field] = value;
      const parsed = machineSchema.safeParse(candidate);
      if (plainMachine(candidate)) {
        expect({ field, value, accepted: parsed.success }).toEqual({ field, value, accepted: true });
        expect(parsed.data).toEqual(candidate);
      } else if (parsed.success) {
        // Kept out of the fast path but valid: the schema's copy is used; only speed is at stake.
        expect(parsed.data).toBeDefined();
      }
    }
  });

  it("keeps the usual machine and the fields the Azure reader fills", () => {
    expect(plainMachine(machine("vm1"))).toBe(true);
    expect(plainMachine(machine("vm1", { osName: "Ubuntu", generalized: false, pricing: { pricingTier: "Standard", subPlan: "P2" }, scaleSet: { upgradePolicy: "Manual", instances: 2 }, vulnerabilityAssessment: null }))).toBe(true);
  });
});
