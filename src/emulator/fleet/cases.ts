/**
 * The fleet's cases: every pre-existing-agent situation of the seed, plus the eligibility cases.
 * Each generated machine carries its case in the tag `ascEmulatorCase` (emulator metadata for
 * tests; the planner must not read it).
 */
import type { MachineKind, OsType } from "../model/machines";

export const FLEET_CASES = [
  "no-agent",
  "mma-default-workspace",
  "mma-user-workspace-with-solution",
  "mma-user-workspace-without-solution",
  "mma-sentinel-workspace",
  "mma-old-version",
  "direct-agent-windows",
  "direct-agent-linux",
  "scom-2016",
  "scom-2019",
  "scom-2012",
  "ama",
  "appliance",
  "no-vm-agent",
  "stopped",
  "deallocated",
] as const;

export type FleetCase = (typeof FLEET_CASES)[number];

export interface CaseSpec {
  readonly key: FleetCase;
  readonly weight: number;
  readonly kinds: readonly MachineKind[];
  readonly os?: OsType;
  /** Short word used in machine names. */
  readonly abbrev: string;
  readonly description: string;
}

export const CASE_SPECS: Readonly<Record<FleetCase, CaseSpec>> = {
  "no-agent": { key: "no-agent", weight: 30, kinds: ["vm", "vmss", "arc"], abbrev: "none", description: "running, VM agent, no monitoring agent at all" },
  "mma-default-workspace": { key: "mma-default-workspace", weight: 12, kinds: ["vm", "vmss", "arc"], abbrev: "mmadef", description: "Log Analytics extension reporting to the Security Center default workspace of its geography" },
  "mma-user-workspace-with-solution": { key: "mma-user-workspace-with-solution", weight: 6, kinds: ["vm", "arc"], abbrev: "mmasec", description: "Log Analytics extension reporting to a user workspace that has the Security solution (law-ops-s<n>)" },
  "mma-user-workspace-without-solution": { key: "mma-user-workspace-without-solution", weight: 4, kinds: ["vm", "arc"], abbrev: "mmausr", description: "Log Analytics extension reporting to a user workspace without Security/SecurityCenterFree (law-apps-s<n>)" },
  "mma-sentinel-workspace": { key: "mma-sentinel-workspace", weight: 2, kinds: ["vm"], abbrev: "mmasen", description: "Log Analytics extension reporting to a user workspace whose security events Sentinel owns (law-sentinel-s<n>)" },
  "mma-old-version": { key: "mma-old-version", weight: 4, kinds: ["vm"], os: "Linux", abbrev: "mmaold", description: "OmsAgentForLinux 1.7 (older than the current 1.13) reporting to the default workspace" },
  "direct-agent-windows": { key: "direct-agent-windows", weight: 5, kinds: ["vm", "arc"], os: "Windows", abbrev: "dirwin", description: "Windows with a directly installed Log Analytics agent (guest directAgent → law-ops-s<n>)" },
  "direct-agent-linux": { key: "direct-agent-linux", weight: 4, kinds: ["vm", "arc"], os: "Linux", abbrev: "dirlnx", description: "Linux with a directly installed agent (guest directAgent → law-apps-s<n>)" },
  "scom-2016": { key: "scom-2016", weight: 3, kinds: ["vm", "arc"], os: "Windows", abbrev: "scom16", description: "Operations Manager 2016 agent (guest scom, management group CONTOSO-OPS connected to law-ops-s<n>)" },
  "scom-2019": { key: "scom-2019", weight: 3, kinds: ["vm", "arc"], os: "Windows", abbrev: "scom19", description: "Operations Manager 2019 agent" },
  "scom-2012": { key: "scom-2012", weight: 2, kinds: ["vm", "arc"], os: "Windows", abbrev: "scom12", description: "Operations Manager 2012 agent (auto provisioning must not be enabled)" },
  ama: { key: "ama", weight: 4, kinds: ["vm", "arc"], abbrev: "ama", description: "Azure Monitor Agent extension, heartbeating into law-ops-s<n> (guest ama)" },
  appliance: { key: "appliance", weight: 2, kinds: ["vm"], os: "Linux", abbrev: "appl", description: "network appliance: marketplace plan/image of a WAF/NGFW publisher, tag applianceType" },
  "no-vm-agent": { key: "no-vm-agent", weight: 3, kinds: ["vm"], abbrev: "noagt", description: "no Azure VM agent (osProfile.*Configuration.provisionVMAgent false, instanceView vmAgent Not Ready)" },
  stopped: { key: "stopped", weight: 3, kinds: ["vm"], abbrev: "stop", description: "stopped (PowerState/stopped) for three days" },
  deallocated: { key: "deallocated", weight: 3, kinds: ["vm"], abbrev: "dealloc", description: "deallocated (PowerState/deallocated) for three days" },
};

export interface SubscriptionSpec {
  readonly displayName: string;
  /** Onboarded to Security Center (tag ascOnboardedAt); the first is before 2019-03-17. */
  readonly onboardedAt: string;
  /** Azure Defender on (pricings/VirtualMachines Standard; workspaces get the Security solution). */
  readonly defender: boolean;
}

export const FLEET_SUBSCRIPTIONS: readonly SubscriptionSpec[] = [
  { displayName: "Contoso Legacy Production", onboardedAt: "2018-06-01", defender: false },
  { displayName: "Contoso Defender", onboardedAt: "2019-09-15", defender: true },
  { displayName: "Contoso Development", onboardedAt: "2021-02-01", defender: false },
];

/** Regions and weights; southafricanorth is outside every FAQ geography. */
export const FLEET_REGIONS: readonly { readonly value: string; readonly weight: number }[] = [
  { value: "eastus", weight: 18 }, { value: "westus2", weight: 10 }, { value: "westeurope", weight: 14 }, { value: "northeurope", weight: 8 },
  { value: "uksouth", weight: 8 }, { value: "southeastasia", weight: 6 }, { value: "japaneast", weight: 6 }, { value: "australiaeast", weight: 5 },
  { value: "canadacentral", weight: 5 }, { value: "centralindia", weight: 4 }, { value: "koreacentral", weight: 3 }, { value: "brazilsouth", weight: 4 },
  { value: "southafricanorth", weight: 4 },
];

export const KIND_WEIGHTS: Readonly<Record<MachineKind, number>> = { vm: 70, vmss: 10, arc: 20 };
