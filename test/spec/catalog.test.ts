import { compareVersions, LOG_ANALYTICS_AGENT, DEPENDENCY_AGENT } from "../../src/spec/extensions";
import { geographyOf, regionShortCode, REGION_SHORT_CODES, GEOGRAPHIES } from "../../src/spec/geography";
import { defaultResourceGroupName, defaultWorkspaceName, isDefaultWorkspaceName, solutionForDefender, solutionName } from "../../src/spec/naming";
import { SEED_POLICIES, policyDefinitionId, seedPolicyByDefinitionId } from "../../src/spec/policies";
import { SUB } from "../helpers/fixtures";

describe("geographies", () => {
  it.each([
    ["eastus", "us", "EUS", "eastus"],
    ["brazilsouth", "us", "EUS", "eastus"],
    ["West Europe", "europe", "WEU", "westeurope"],
    ["germanywestcentral", "europe", "WEU", "westeurope"],
    ["ukwest", "uk", "SUK", "uksouth"],
    ["eastasia", "asia", "SEA", "southeastasia"],
    ["koreasouth", "korea", "SE", "koreacentral"],
    ["southindia", "india", "CIN", "centralindia"],
    ["japanwest", "japan", "EJP", "japaneast"],
    ["chinanorth3", "china", "E2", "chinaeast2"],
    ["australiaeast", "australia", "SEAU", "australiasoutheast"],
    ["canadaeast", "canada", "CCA", "canadacentral"],
  ])("%s belongs to %s, workspace code %s in %s", (region, key, code, location) => {
    const g = geographyOf(region);
    expect([g.key, g.code, g.workspaceLocation, g.ownRegion]).toEqual([key, code, location, false]);
  });

  it("a region outside every geography is its own, with its own short code", () => {
    expect(geographyOf("southafricanorth")).toEqual({ key: "region:southafricanorth", displayName: "southafricanorth", workspaceLocation: "southafricanorth", code: "JNB", ownRegion: true });
    // Policy 594c1276's fallback for unknown regions: first 6 + last 2 when longer than 8.
    expect(geographyOf("atlantisnorth2").code).toBe("atlanth2");
    expect(regionShortCode("moon")).toBe("moon");
  });

  it("every geography's workspace location is a region of that geography with a short code", () => {
    for (const g of GEOGRAPHIES) {
      expect(g.regions).toContain(g.workspaceLocation);
      expect(REGION_SHORT_CODES[g.workspaceLocation]).toBeDefined();
    }
  });
});

describe("naming", () => {
  it("follows DefaultWorkspace-[subscription-ID]-[geo] and DefaultResourceGroup-[geo]", () => {
    expect(defaultWorkspaceName(SUB, "WEU")).toBe(`DefaultWorkspace-${SUB}-WEU`);
    expect(defaultResourceGroupName("WEU")).toBe("DefaultResourceGroup-WEU");
    expect(isDefaultWorkspaceName(`DefaultWorkspace-${SUB}-EUS`)).toBe(true);
    expect(isDefaultWorkspaceName("ops-central")).toBe(false);
  });

  it("Defender on is the Security solution, off is SecurityCenterFree", () => {
    expect(solutionForDefender(true)).toBe("Security");
    expect(solutionForDefender(false)).toBe("SecurityCenterFree");
    expect(solutionName("Security", "ws1")).toBe("Security(ws1)");
  });
});

describe("policy catalog", () => {
  it("holds the seed's three definitions with the roles they list", () => {
    expect(policyDefinitionId(SEED_POLICIES.kubernetesPolicyAddon)).toBe("/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7");
    expect(SEED_POLICIES.kubernetesPolicyAddon.roles.map((r) => r.id)).toEqual(["ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8", "18ed5180-3e48-46fd-8541-4ea054d57064"]);
    expect(SEED_POLICIES.dependencyAgentWindows.definitionName).toBe("1c210e94-a481-4beb-95fa-1571b434fb04");
    expect(SEED_POLICIES.dependencyAgentLinux.definitionName).toBe("4da21710-ce6f-4e06-8cdb-5cc4c93ffbee");
    expect(SEED_POLICIES.dependencyAgentLinux.roles.map((r) => r.id)).toEqual(["92aaf0da-9dab-42b6-94a3-d43ce8d16293"]);
    expect(seedPolicyByDefinitionId("/providers/microsoft.authorization/policydefinitions/1C210E94-A481-4BEB-95FA-1571B434FB04")?.key).toBe("dependencyAgentWindows");
  });
});

describe("extensions", () => {
  it("knows the agents' publishers and types", () => {
    expect(LOG_ANALYTICS_AGENT.Windows).toMatchObject({ publisher: "Microsoft.EnterpriseCloud.Monitoring", type: "MicrosoftMonitoringAgent" });
    expect(LOG_ANALYTICS_AGENT.Linux).toMatchObject({ type: "OmsAgentForLinux", version: "1.13" });
    expect(DEPENDENCY_AGENT.Linux.publisher).toBe("Microsoft.Azure.Monitoring.DependencyAgent");
  });

  it("compares versions numerically", () => {
    expect(compareVersions("1.7", "1.13")).toBe(-1);
    expect(compareVersions("1.13.40", "1.13")).toBe(1);
    expect(compareVersions("1.0", "1")).toBe(0);
  });
});
