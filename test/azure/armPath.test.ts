/** Issue 18, hostile names: ARM URLs built from ids encode every segment and refuse dot segments. */
import { armPath } from "../../src/azure/rest";

const VM = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines";

describe("armPath", () => {
  it("encodes ?, # and & inside a name, so the request stays on that resource", () => {
    const path = armPath(`${VM}/vm-target?api-version=2020-01-01&x=#frag/extensions/MMA`);
    expect(path).toBe(`${VM}/vm-target%3Fapi-version%3D2020-01-01%26x%3D%23frag/extensions/MMA`);
    expect(new URL(`https://management.azure.com${path}?api-version=1`).pathname).toBe(path);
  });

  it("refuses . and .. segments and empty ones", () => {
    expect(() => armPath(`${VM}/../../../providers/Microsoft.Security/pricings/VirtualMachines`)).toThrow(/an empty, \. or \.\. segment/);
    expect(() => armPath(`${VM}/./vm`)).toThrow(/an empty, \. or \.\. segment/);
    expect(() => armPath(`${VM}//vm`)).toThrow(/an empty, \. or \.\. segment/);
    expect(() => armPath("subscriptions/x")).toThrow(/must start with \//);
  });

  it("leaves ordinary ids as they are", () => {
    expect(armPath(`${VM}/vm-web-01/extensions/MicrosoftMonitoringAgent`)).toBe(`${VM}/vm-web-01/extensions/MicrosoftMonitoringAgent`);
    expect(armPath("/subscriptions/s/resourceGroups/rg (1)/providers/x/y/z")).toBe("/subscriptions/s/resourceGroups/rg%20(1)/providers/x/y/z");
  });
});
