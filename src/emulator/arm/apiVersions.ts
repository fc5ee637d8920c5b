/**
 * api-versions the emulator accepts per resource provider: the ones the installed SDK clients
 * send (found with `grep apiVersion node_modules/@azure/arm-(name)/dist`) plus the documented ones
 * (reference/azure-facts.md §2). A request with another version gets ARM's 400.
 */
import { ArmErrors } from "../http/errors";
import type { EmuRequest } from "../http/types";

export const API_VERSIONS = {
  /** arm-resources 8 sends 2025-04-01 (resource groups, providers, tags). */
  resources: [
    "2014-04-01", "2015-01-01", "2016-02-01", "2016-09-01", "2017-05-10", "2018-05-01", "2019-05-01", "2019-07-01",
    "2019-08-01", "2019-10-01", "2020-06-01", "2020-10-01", "2021-01-01", "2021-04-01", "2022-09-01", "2023-07-01",
    "2024-03-01", "2024-07-01", "2024-11-01", "2025-01-01", "2025-03-01", "2025-04-01",
  ],
  /** Microsoft.Management (management groups); arm-managementgroups 2 sends 2021-04-01. */
  management: ["2018-03-01-preview", "2019-11-01", "2020-02-01", "2020-05-01", "2020-10-01", "2021-04-01", "2023-04-01"],
  subscriptions: ["2014-04-01", "2015-01-01", "2016-06-01", "2018-06-01", "2019-06-01", "2019-11-01", "2020-01-01", "2021-01-01", "2022-12-01", "2024-08-01"],
  /** arm-compute 25.1 sends 2026-04-01 for VMs, scale sets and their extensions. */
  compute: [
    "2015-06-15", "2016-03-30", "2016-04-30-preview", "2017-03-30", "2017-12-01", "2018-04-01", "2018-06-01", "2018-10-01",
    "2019-03-01", "2019-07-01", "2019-12-01", "2020-06-01", "2020-12-01", "2021-03-01", "2021-04-01", "2021-07-01",
    "2021-11-01", "2022-03-01", "2022-08-01", "2022-11-01", "2023-03-01", "2023-07-01", "2023-09-01", "2024-03-01",
    "2024-07-01", "2024-11-01", "2025-04-01", "2026-03-01", "2026-04-01",
  ],
  /** arm-hybridcompute 3.0 sends 2021-05-20. */
  hybridCompute: ["2019-12-12", "2020-08-02", "2021-05-20", "2022-03-10", "2022-11-10", "2022-12-27", "2023-10-03-preview", "2024-07-10", "2025-01-13"],
  /** arm-containerservice 25.3 sends 2026-04-01. */
  containerService: [
    "2019-08-01", "2020-03-01", "2021-03-01", "2022-01-01", "2022-09-01", "2023-01-01", "2023-06-01", "2023-10-01",
    "2024-01-01", "2024-05-01", "2024-09-01", "2025-01-01", "2025-05-01", "2025-07-01", "2025-10-01", "2026-01-01", "2026-04-01",
  ],
  /** arm-operationalinsights 11 sends 2025-07-01; ASC's own calls use 2015-11-01-preview / 2015-03-20. */
  operationalInsights: [
    "2015-03-20", "2015-11-01-preview", "2020-03-01-preview", "2020-08-01", "2020-10-01", "2021-06-01", "2021-12-01-preview",
    "2022-10-01", "2023-09-01", "2025-02-01", "2025-07-01",
  ],
  /** The only version of Microsoft.OperationsManagement/solutions. */
  operationsManagement: ["2015-11-01-preview"],
  /** autoProvisioningSettings and workspaceSettings exist only in 2017-08-01-preview (what arm-security 5 sends). */
  securitySettings: ["2017-08-01-preview"],
  /** arm-security 5 sends 2022-03-01 for pricings; this tool's adapter 2024-01-01 (extensions, enforce, resource level). */
  securityPricings: ["2017-08-01-preview", "2018-06-01", "2022-03-01", "2023-01-01", "2024-01-01"],
  /** Microsoft.Security/settings: arm-security 5 sends 2021-07-01; the adapter 2022-05-01 (the published current version). */
  securityDataSettings: ["2017-08-01-preview", "2019-01-01", "2021-06-01", "2021-07-01", "2022-05-01"],
  /** serverVulnerabilityAssessmentsSettings: Defender's guidance uses 2022-01-01-preview; the adapter 2023-05-01 (azure-native's). */
  serverVulnerabilityAssessmentSettings: ["2022-01-01-preview", "2023-05-01"],
  /** A machine's serverVulnerabilityAssessments: DINE 13ce0167 uses 2015-06-01-preview; arm-security 5 sends 2020-01-01. */
  serverVulnerabilityAssessments: ["2015-06-01-preview", "2020-01-01"],
  /** arm-policy 7 sends 2025-03-01. */
  policy: [
    "2016-12-01", "2018-03-01", "2018-05-01", "2019-01-01", "2019-06-01", "2019-09-01", "2020-09-01", "2021-06-01",
    "2022-06-01", "2023-04-01", "2024-04-01", "2024-05-01", "2025-01-01", "2025-03-01",
  ],
  /** arm-authorization 9 sends 2022-04-01 for role assignments and definitions. */
  authorization: ["2015-07-01", "2018-01-01-preview", "2018-09-01-preview", "2020-04-01-preview", "2020-10-01-preview", "2022-01-01-preview", "2022-04-01", "2022-05-01-preview"],
  /** arm-policyinsights 6 sends 2024-10-01 for remediations. */
  policyInsights: ["2018-07-01-preview", "2019-07-01", "2021-10-01", "2024-10-01"],
  /** Data collection rules and associations: arm-monitor 8 sends 2024-03-11; 2021-04-01 is what the AMA policies' templates use. */
  insights: ["2019-11-01-preview", "2021-04-01", "2021-09-01-preview", "2022-06-01", "2023-03-11", "2024-03-11"],
  /** arm-resourcegraph 5 sends 2024-04-01. */
  resourceGraph: ["2018-09-01-preview", "2019-04-01", "2020-04-01-preview", "2021-03-01", "2022-10-01", "2024-04-01"],
} as const satisfies Record<string, readonly string[]>;

export type ApiVersionSet = keyof typeof API_VERSIONS;

/** The request's api-version if it is one of `supported`; ARM's 400 otherwise. */
export function requireApiVersion(req: EmuRequest, supported: readonly string[]): string {
  const v = req.query.get("api-version");
  if (v === null || v === "") {
    throw ArmErrors.missingApiVersion();
  }
  const match = supported.find((s) => s.toLowerCase() === v.toLowerCase());
  if (!match) {
    throw ArmErrors.invalidApiVersion(v, `'${[...supported].reverse().join(",")}'`);
  }
  return match;
}
