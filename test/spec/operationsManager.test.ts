import { OPERATIONS_MANAGER_AGENT_VERSIONS, OPERATIONS_MANAGER_RELEASES, isOperationsManager2012, operationsManagerRelease } from "../../src/spec/operationsManager";

describe("Operations Manager releases: one table for the adapter and the emulator", () => {
  it("each release's agent version reads back as that release", () => {
    for (const release of OPERATIONS_MANAGER_RELEASES) expect(operationsManagerRelease(OPERATIONS_MANAGER_AGENT_VERSIONS[release]).startsWith(release)).toBe(true);
  });

  it("reads versions by release family; an unknown version is kept", () => {
    expect(["7.0.8560.0", "7.1.10184.0", "8.0.11049.0", "10.19.10014.0", "10.22.10056.0", "6.1"].map(operationsManagerRelease)).toEqual(["2012", "2012 R2", "2016", "2019", "2022", "6.1"]);
  });

  it("2012 and 2012 R2 block the Log Analytics agent", () => {
    expect(["2012", "2012 R2", "2016", undefined].map(isOperationsManager2012)).toEqual([true, true, false, false]);
  });
});
