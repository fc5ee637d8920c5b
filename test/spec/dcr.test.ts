import {
  APPLOCKER_EXE_DLL_CHANNEL,
  APPLOCKER_MSI_SCRIPT_CHANNEL,
  DCR_NAME_MAX_LENGTH,
  MAX_EVENT_IDS_PER_QUERY,
  SECURITY_CHANNEL,
  XPathQueryError,
  dataCollectionRuleAssociationId,
  dataCollectionRuleBody,
  dataCollectionRuleId,
  dataCollectionRuleName,
  parseXPathQueries,
  tierOfXPathQueries,
  xPathQueriesForTier,
} from "../../src/spec/dcr";
import { SECURITY_EVENT_TIERS } from "../../src/spec/events";
import { seedEventIds } from "../helpers/seed";

const seedIds = seedEventIds;

/** 8001-8007 are AppLocker events (the seed: "Security and App Locker event IDs"); everything else is Security. */
const APPLOCKER_EXE = [8001, 8002, 8003, 8004];
const APPLOCKER_MSI = [8005, 8006, 8007];

/** The seed's set as (channel, id) pairs, sorted. */
function seedPairs(tier: "Minimal" | "Common"): string[] {
  return seedIds(tier)
    .map((id) => `${APPLOCKER_EXE.includes(id) ? APPLOCKER_EXE_DLL_CHANNEL : APPLOCKER_MSI.includes(id) ? APPLOCKER_MSI_SCRIPT_CHANNEL : SECURITY_CHANNEL}#${id}`)
    .sort();
}

function pairsOf(queries: readonly string[]): string[] {
  const sel = parseXPathQueries(queries);
  const out: string[] = [];
  for (const [channel, ids] of sel.ids) for (const id of ids) out.push(`${channel}#${id}`);
  return out.sort();
}

describe("security-event tiers as DCR xPath queries", () => {
  it.each(["Minimal", "Common"] as const)("%s: the queries, parsed back, select exactly the seed's event IDs", (tier) => {
    const queries = xPathQueriesForTier(tier);
    expect(pairsOf(queries)).toEqual(seedPairs(tier));
    expect(parseXPathQueries(queries).allOf.size).toBe(0);
    // every seed ID once, none invented
    const ids = pairsOf(queries).map((p) => Number(p.split("#")[1]));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual([...new Set(seedIds(tier))].sort((a, b) => a - b));
  });

  it("8001-8007 are on the AppLocker channels, 8222 and the rest on Security", () => {
    const sel = parseXPathQueries(xPathQueriesForTier("Common"));
    expect([...sel.ids.get(APPLOCKER_EXE_DLL_CHANNEL)!].sort()).toEqual(APPLOCKER_EXE);
    expect([...sel.ids.get(APPLOCKER_MSI_SCRIPT_CHANNEL)!].sort()).toEqual(APPLOCKER_MSI);
    expect(sel.ids.get(SECURITY_CHANNEL)!.has(8222)).toBe(true);
    expect([...sel.ids.get(SECURITY_CHANNEL)!].some((id) => id >= 8001 && id <= 8007)).toBe(false);
  });

  it("All is every event of each channel; None is no query at all", () => {
    expect(xPathQueriesForTier("All")).toEqual(["Security!*", `${APPLOCKER_EXE_DLL_CHANNEL}!*`, `${APPLOCKER_MSI_SCRIPT_CHANNEL}!*`]);
    expect([...parseXPathQueries(xPathQueriesForTier("All")).allOf]).toEqual([SECURITY_CHANNEL, APPLOCKER_EXE_DLL_CHANNEL, APPLOCKER_MSI_SCRIPT_CHANNEL]);
    expect(xPathQueriesForTier("None")).toEqual([]);
  });

  it(`splits: at most ${MAX_EVENT_IDS_PER_QUERY} event IDs per query, one channel per query`, () => {
    for (const tier of ["Minimal", "Common"] as const) {
      for (const q of xPathQueriesForTier(tier)) {
        expect(q.match(/EventID=/g)!.length).toBeLessThanOrEqual(MAX_EVENT_IDS_PER_QUERY);
        expect(q.length).toBeLessThan(300);
        expect(q).toMatch(/^[^!]+!\*\[System\[\(EventID=\d+\)( or \(EventID=\d+\))*\]\]$/);
      }
    }
    expect(xPathQueriesForTier("Common")[0]).toBe(
      "Security!*[System[(EventID=1) or (EventID=299) or (EventID=300) or (EventID=324) or (EventID=340) or (EventID=403) or (EventID=404) or (EventID=410) or (EventID=411) or (EventID=412) or (EventID=413) or (EventID=431) or (EventID=500) or (EventID=501) or (EventID=1100)]]",
    );
    expect(xPathQueriesForTier("Minimal")).toHaveLength(5); // 32 Security IDs in 3 queries, then one per AppLocker channel
    expect(xPathQueriesForTier("Common")).toHaveLength(12); // 136 Security IDs in 10 queries, then one per AppLocker channel
  });

  it("reads every tier back, and tells custom queries apart", () => {
    for (const tier of SECURITY_EVENT_TIERS) expect(tierOfXPathQueries(xPathQueriesForTier(tier))).toBe(tier);
    // the same selection written differently is the same tier
    const reordered = [...xPathQueriesForTier("Minimal")].reverse().map((q) => q.replace(/\(EventID=(\d+)\)/g, "EventID = $1"));
    expect(tierOfXPathQueries(reordered)).toBe("Minimal");
    expect(tierOfXPathQueries(["security!*", "microsoft-windows-applocker/exe and dll!*", "Microsoft-Windows-AppLocker/MSI and Script!*"])).toBe("All");
    expect(tierOfXPathQueries(["Security!*"])).toBeUndefined();
    expect(tierOfXPathQueries(["Security!*[System[(EventID=4624)]]"])).toBeUndefined();
    expect(tierOfXPathQueries(["System!*[System[(Level=1 or Level=2)]]"])).toBeUndefined();
  });

  it("the parser refuses what it cannot read", () => {
    expect(() => parseXPathQueries(["Security"])).toThrow(XPathQueryError);
    expect(() => parseXPathQueries(["Security!*[System[(EventID>=4624)]]"])).toThrow(/is not an EventID=N term/);
    expect(() => parseXPathQueries(["Security!Event"])).toThrow(/expected \* or/);
  });
});

describe("the data collection rule", () => {
  const ws = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/DefaultResourceGroup-WEU/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-11111111-1111-1111-1111-111111111111-WEU";

  it("is named after its workspace, in the workspace's resource group", () => {
    expect(dataCollectionRuleName(ws)).toBe("asc-DefaultWorkspace-11111111-1111-1111-1111-111111111111-WEU");
    expect(dataCollectionRuleId(ws)).toBe(
      "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/DefaultResourceGroup-WEU/providers/Microsoft.Insights/dataCollectionRules/asc-DefaultWorkspace-11111111-1111-1111-1111-111111111111-WEU",
    );
    const long = ws.replace(/-WEU$/, "-southafrica1");
    expect(dataCollectionRuleName(long)).toHaveLength(DCR_NAME_MAX_LENGTH);
    expect(dataCollectionRuleName(long)).toMatch(/^asc-DefaultWorkspace-.*-[0-9a-f]{8}$/);
    expect(dataCollectionRuleName(long)).not.toBe(dataCollectionRuleName(ws.replace(/-WEU$/, "-southafrica2")));
    expect(dataCollectionRuleAssociationId("/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/vm1")).toBe(
      "/subscriptions/s/resourceGroups/r/providers/Microsoft.Compute/virtualMachines/vm1/providers/Microsoft.Insights/dataCollectionRuleAssociations/asc-autoprovision",
    );
  });

  it("body: Windows event logs on the Microsoft-SecurityEvent stream, flowing to the workspace", () => {
    const body = dataCollectionRuleBody({ location: "westeurope", workspaceResourceId: ws, tier: "Common" });
    expect(body).toEqual({
      location: "westeurope",
      tags: { createdBy: "asc-autoprovision" },
      properties: {
        description: "Windows security events, tier Common (asc-autoprovision).",
        dataSources: { windowsEventLogs: [{ name: "securityEvents", streams: ["Microsoft-SecurityEvent"], xPathQueries: xPathQueriesForTier("Common") }] },
        destinations: { logAnalytics: [{ workspaceResourceId: ws, name: "workspace" }] },
        dataFlows: [{ streams: ["Microsoft-SecurityEvent"], destinations: ["workspace"] }],
      },
    });
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  });

  it("body for None: the destination only, no security-event stream", () => {
    const body = dataCollectionRuleBody({ location: "eastus", workspaceResourceId: ws, tier: "None" });
    expect(body.properties.dataSources).toEqual({});
    expect(body.properties.dataFlows).toEqual([]);
    expect(body.properties.destinations.logAnalytics).toEqual([{ workspaceResourceId: ws, name: "workspace" }]);
  });
});
