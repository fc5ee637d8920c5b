/**
 * Every paid Defender plan the `defender` section turns on or off is said, once per plan and
 * direction, naming the plan as users know it and the subscriptions (before: only Defender for
 * Servers was; `storageAccounts: { enabled: true }` started billing every storage account with
 * nothing but the field list). A sub-plan move of a plan that stays Standard is said too: it
 * changes what Azure bills.
 */
import { plan, renderJson, renderMarkdown, renderText } from "../../src/core";
import type { InventoryPlanPricing, InventorySettings } from "../../src/inventory/schema";
import { inventory, SUB, SUB2 } from "../helpers/fixtures";
import { defenderSpec, settings } from "../reconcile/defender.fixtures";

const SUB3 = "33333333-3333-3333-3333-333333333333";
const CODES = ["defender-extension-billing-starts", "defender-plan-billing-starts", "defender-plan-protection-ends", "defender-plan-billing-changes", "defender-servers-billing-starts", "defender-servers-protection-ends"];

const standard = (subPlan?: string): InventoryPlanPricing => ({ pricingTier: "Standard", ...(subPlan ? { subPlan } : {}) });
const free: InventoryPlanPricing = { pricingTier: "Free" };

/** An inventory whose subscriptions have these plans (the others Free). */
function withPlans(plans: Record<string, Record<string, InventoryPlanPricing>>) {
  const subs = Object.keys(plans);
  const inv = inventory({}, "2020-01-01", subs);
  inv.settings = Object.fromEntries(subs.map((s): [string, InventorySettings] => [s, settings({ plans: plans[s] })]));
  return { inv, subs };
}

const billing = (p: ReturnType<typeof plan>) => p.findings.filter((f) => CODES.includes(f.code)).map((f) => ({ code: f.code, target: f.target, message: f.message }));

describe("a plan turned on or off", () => {
  it("on where it is Free: one warning naming the plan as users know it, the subscriptions, what it bills and how to stay on Free", () => {
    const { inv, subs } = withPlans({ [SUB]: { StorageAccounts: free }, [SUB2]: { StorageAccounts: standard("DefenderForStorageV2") }, [SUB3]: {} });
    const p = plan(defenderSpec({ plans: { StorageAccounts: { enabled: true } } }, {}, subs), inv);
    expect(billing(p)).toEqual([
      {
        code: "defender-plan-billing-starts",
        target: "defender.plans.StorageAccounts.enabled",
        message:
          `This plan turns Defender for Storage on (pricing StorageAccounts: Free → Standard) in 2 subscription(s): ${SUB}, ${SUB3}. ` +
          "From the apply on, Azure bills the plan per storage account per month there (transactions over the included amount extra), and on-upload malware scanning per GB it scans. " +
          "defender.plans.StorageAccounts.enabled true asks for it: set it to false to keep these subscriptions on Free, or leave defender.plans.StorageAccounts out of the spec to leave each subscription's plan as it is.",
      },
    ]);
  });

  it("off where it is Standard: one warning that the protection ends, and how to keep the plan", () => {
    const { inv, subs } = withPlans({ [SUB]: { Containers: standard() }, [SUB2]: { Containers: free } });
    const p = plan(defenderSpec({ containers: { enabled: false } }, {}, subs), inv);
    expect(billing(p)).toEqual([
      {
        code: "defender-plan-protection-ends",
        target: "defender.containers.enabled",
        message: expect.stringMatching(
          new RegExp(`^This plan turns Defender for Containers off \\(pricing Containers: Standard → Free\\) in 1 subscription\\(s\\): ${SUB}\\. Their clusters and registries lose Defender for Containers protection: .*the Defender sensor no longer protects their clusters.* defender\\.containers\\.enabled false asks for it: set it to true to keep the plan`),
        ),
      },
    ]);
  });

  it("several plans in one plan: one warning per plan and direction, each with its own subscriptions, beside Servers' own", () => {
    const { inv, subs } = withPlans({
      [SUB]: { CloudPosture: free, KeyVaults: standard("PerKeyVault"), SqlServers: standard() },
      [SUB2]: { CloudPosture: standard(), KeyVaults: free, SqlServers: standard() },
    });
    const spec = defenderSpec({ servers: { plan: "P1" }, plans: { CloudPosture: { enabled: true }, KeyVaults: { enabled: false }, SqlServers: { enabled: false } } }, {}, subs);
    const found = billing(plan(spec, inv));
    expect(found.map((f) => [f.code, f.target])).toEqual([
      ["defender-plan-billing-starts", "defender.plans.CloudPosture.enabled"],
      ["defender-plan-protection-ends", "defender.plans.KeyVaults.enabled"],
      ["defender-plan-protection-ends", "defender.plans.SqlServers.enabled"],
      ["defender-servers-billing-starts", "defender.servers.plan"],
    ]);
    expect(found[0]!.message).toContain(`This plan turns Defender CSPM on (pricing CloudPosture: Free → Standard) in 1 subscription(s): ${SUB}.`);
    expect(found[1]!.message).toContain(`This plan turns Defender for Key Vault off (pricing KeyVaults: Standard → Free) in 1 subscription(s): ${SUB}.`);
    expect(found[2]!.message).toContain(`This plan turns Defender for Azure SQL Databases off (pricing SqlServers: Standard → Free) in 2 subscription(s): ${SUB}, ${SUB2}.`);
    expect(found[3]!.message).toContain(`This plan turns Defender for Servers on (pricing VirtualMachines: Free → Standard) in 2 subscription(s): ${SUB}, ${SUB2}.`);
  });

  it("no warning where every tier already is what the spec asks", () => {
    const { inv, subs } = withPlans({
      [SUB]: { Containers: standard(), StorageAccounts: standard("DefenderForStorageV2"), Arm: free },
      [SUB2]: { Containers: standard(), StorageAccounts: standard("DefenderForStorageV2") },
    });
    const p = plan(defenderSpec({ containers: { enabled: true }, plans: { StorageAccounts: { enabled: true, subPlan: "DefenderForStorageV2" }, Arm: { enabled: false } } }, {}, subs), inv);
    expect(billing(p)).toEqual([]);
  });
});

describe("a sub-plan move of a plan that stays Standard", () => {
  it("says what Azure bills before and after, grouped by the sub-plan each subscription leaves", () => {
    const { inv, subs } = withPlans({
      [SUB]: { StorageAccounts: standard("PerTransaction") },
      [SUB2]: { StorageAccounts: standard("PerStorageAccount") },
      [SUB3]: { StorageAccounts: standard("PerTransaction") },
    });
    const p = plan(defenderSpec({ plans: { StorageAccounts: { enabled: true, subPlan: "DefenderForStorageV2" } } }, {}, subs), inv);
    expect(billing(p)).toEqual([
      {
        code: "defender-plan-billing-changes",
        target: "defender.plans.StorageAccounts.subPlan",
        message:
          `This plan moves Defender for Storage to sub-plan DefenderForStorageV2 (pricing StorageAccounts, which stays Standard) in 3 subscription(s): ${SUB}, ${SUB3} (from PerTransaction); ${SUB2} (from PerStorageAccount). ` +
          "From the apply on, Azure bills it per storage account per month, and on-upload malware scanning per GB scanned instead of per 10,000 storage transactions (the classic plan) or per storage account per month (the classic plan). " +
          "defender.plans.StorageAccounts.subPlan DefenderForStorageV2 asks for it: leave subPlan out to keep each subscription's sub-plan as it is.",
      },
    ]);
  });

  it("a deprecated sub-plan moved to its successor: said with the billing, and that no spec keeps it", () => {
    const { inv, subs } = withPlans({ [SUB]: { KeyVaults: standard("PerTransaction") } });
    const p = plan(defenderSpec({ plans: { KeyVaults: { enabled: true } } }, {}, subs), inv);
    expect(billing(p)).toEqual([
      {
        code: "defender-plan-billing-changes",
        target: "defender.plans.KeyVaults.enabled",
        message: expect.stringContaining(
          `to sub-plan PerKeyVault (pricing KeyVaults, which stays Standard) in 1 subscription(s): ${SUB} (from PerTransaction). From the apply on, Azure bills it per key vault per month instead of per 10,000 vault transactions. Azure refuses PerTransaction (deprecated, InvalidInputError), so no spec keeps it`,
        ),
      },
    ]);
  });

  it("Defender for Servers P1 → P2: said against defender.servers.plan, with the way back", () => {
    const { inv, subs } = withPlans({ [SUB]: { VirtualMachines: standard("P1") } });
    const found = billing(plan(defenderSpec({ servers: { plan: "P2" } }, {}, subs), inv));
    expect(found).toEqual([
      {
        code: "defender-plan-billing-changes",
        target: "defender.servers.plan",
        message: expect.stringContaining("Azure bills it per machine-hour at Plan 2's higher rate instead of per machine-hour at Plan 1's rate. defender.servers.plan P2 asks for it: set it to P1 to keep the sub-plan."),
      },
    ]);
  });

  it("nothing when the sub-plan does not move, or when the inventory does not say which one the subscription is on", () => {
    const same = withPlans({ [SUB]: { VirtualMachines: standard("P2"), Arm: standard("PerSubscription") } });
    expect(billing(plan(defenderSpec({ servers: { plan: "P2" }, plans: { Arm: { enabled: true, subPlan: "PerSubscription" } } }, {}, same.subs), same.inv))).toEqual([]);
    const unknown = withPlans({ [SUB]: { StorageAccounts: standard() } });
    expect(billing(plan(defenderSpec({ plans: { StorageAccounts: { enabled: true, subPlan: "DefenderForStorageV2" } } }, {}, unknown.subs), unknown.inv))).toEqual([]);
  });
});

describe("the plan's renderings carry them", () => {
  const { inv, subs } = withPlans({ [SUB]: { StorageAccounts: free, Containers: standard(), Arm: standard("PerApiCall") } });
  const p = plan(defenderSpec({ containers: { enabled: false }, plans: { StorageAccounts: { enabled: true }, Arm: { enabled: true } } }, {}, subs), inv);

  it("JSON (the plan file): each finding with its code, target and message", () => {
    const findings = (JSON.parse(renderJson(p)) as { findings: { code: string; target: string; message: string }[] }).findings;
    expect(findings.filter((f) => CODES.includes(f.code)).map((f) => [f.code, f.target])).toEqual([
      ["defender-plan-billing-changes", "defender.plans.Arm.enabled"],
      ["defender-plan-billing-starts", "defender.plans.StorageAccounts.enabled"],
      ["defender-plan-protection-ends", "defender.containers.enabled"],
    ]);
    expect(findings.find((f) => f.code === "defender-plan-billing-changes")!.message).toContain("Azure bills it per subscription per month instead of per million management API calls.");
  });

  it("text and markdown: each finding on its line", () => {
    const text = renderText(p);
    expect(text).toContain("  warning defender-plan-billing-starts (defender.plans.StorageAccounts.enabled): This plan turns Defender for Storage on");
    expect(text).toContain("  warning defender-plan-protection-ends (defender.containers.enabled): This plan turns Defender for Containers off");
    expect(text).toContain("  warning defender-plan-billing-changes (defender.plans.Arm.enabled): This plan moves Defender for Resource Manager to sub-plan PerSubscription");
    const md = renderMarkdown(p);
    expect(md).toContain("- ⚠️ **warning** `defender-plan-billing-starts` (defender.plans.StorageAccounts.enabled): This plan turns Defender for Storage on");
    expect(md).toContain("- ⚠️ **warning** `defender-plan-protection-ends` (defender.containers.enabled):");
    expect(md).toContain("- ⚠️ **warning** `defender-plan-billing-changes` (defender.plans.Arm.enabled):");
  });
});

describe("an extension billed on its own (user trial 20, item 6)", () => {
  const scanning = (isEnabled: "True" | "False"): InventoryPlanPricing => ({ ...standard("DefenderForStorageV2"), extensions: [{ name: "OnUploadMalwareScanning", isEnabled }] });

  it("malware scanning turned on where Defender for Storage is on already: one warning, billed per GB, with its cap", () => {
    const { inv, subs } = withPlans({ [SUB]: { StorageAccounts: scanning("False") }, [SUB2]: { StorageAccounts: scanning("True") } });
    const p = plan(defenderSpec({ plans: { StorageAccounts: { enabled: true, extensions: { OnUploadMalwareScanning: { enabled: true, capGBPerMonthPerStorageAccount: 1000 } } } } }, {}, subs), inv);
    expect(billing(p)).toEqual([
      {
        code: "defender-extension-billing-starts",
        target: "defender.plans.StorageAccounts.extensions.OnUploadMalwareScanning.enabled",
        message:
          `This plan turns Defender for Storage's on-upload malware scanning on (pricing StorageAccounts, extension OnUploadMalwareScanning: off → on) in 1 subscription(s): ${SUB}. ` +
          "From the apply on, Azure bills it per GB it scans, on top of the plan, per storage account and month up to 1000 GB (capGBPerMonthPerStorageAccount). " +
          "Set defender.plans.StorageAccounts.extensions.OnUploadMalwareScanning.enabled to false to keep it off.",
      },
    ]);
  });

  it("not said where it is on already, or where the plan itself turns on (its own warning says malware scanning)", () => {
    const { inv, subs } = withPlans({ [SUB]: { StorageAccounts: scanning("True") }, [SUB2]: { StorageAccounts: free } });
    const p = plan(defenderSpec({ plans: { StorageAccounts: { enabled: true, extensions: { OnUploadMalwareScanning: { enabled: true } } } } }, {}, subs), inv);
    expect(billing(p).map((f) => f.code)).toEqual(["defender-plan-billing-starts"]);
  });
});
