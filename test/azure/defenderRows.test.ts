/**
 * User trial 20, item 3: a machine's securityresources rows as the inventory records them. The
 * retired Qualys record (`default`) stays beside Defender's `mdetvm` after the transition; the
 * machine is assessed by mdetvm whichever row a read gives last (a watch round reads them by id,
 * mdetvm before default).
 */
import { applyDefenderRows, machineSecurityIds } from "../../src/azure/read/defender";
import { machine } from "../helpers/fixtures";

const TYPE = "Microsoft.Security/serverVulnerabilityAssessments";
const row = (machineId: string, name: string) => ({ id: `${machineId}/providers/${TYPE}/${name}`, name, type: TYPE, properties: { provisioningState: "Succeeded" } });

describe("applyDefenderRows: the machine's vulnerability assessment", () => {
  it("keeps mdetvm when the retired default comes after it (the by-id order of a watch round)", () => {
    const m = machine("vm-1");
    const order = machineSecurityIds(m.id).map((id) => id.slice(id.lastIndexOf("/") + 1));
    expect(order.indexOf("mdetvm")).toBeLessThan(order.indexOf("default"));
    applyDefenderRows([m], [row(m.id, "mdetvm"), row(m.id, "default")]);
    expect(m.vulnerabilityAssessment).toEqual({ name: "mdetvm", provisioningState: "Succeeded" });
  });

  it("keeps mdetvm when it comes last (Resource Graph's order by id), and records default alone", () => {
    const a = machine("vm-2");
    const b = machine("vm-3");
    applyDefenderRows([a, b], [row(a.id, "default"), row(a.id, "mdetvm"), row(b.id, "default")]);
    expect(a.vulnerabilityAssessment?.name).toBe("mdetvm");
    expect(b.vulnerabilityAssessment?.name).toBe("default");
  });
});
