/**
 * Per-subscription and per-workspace reads that Resource Graph does not answer: the onboarding
 * date (subscription tag), Defender pricing, the workspace setting, the deprecated
 * autoProvisioningSettings, and each workspace's security-event data source (ours or Sentinel's).
 */
import { ResourceManagementClient } from "@azure/arm-resources";
import { SecurityCenter } from "@azure/arm-security";
import { OperationalInsightsManagementClient } from "@azure/arm-operationalinsights";
import type { InventorySettings, InventoryWorkspace } from "../../inventory/schema";
import { resourceGroupOf, nameOf, subscriptionOf } from "../../inventory/ids";
import { tierFromApi } from "../../spec/events";
import type { AzureConnection } from "../connection";
import { withRetries, type RetryOptions } from "../retry";
import { readDefenderSettings } from "./defender";
import { at, str } from "./json";

/**
 * Azure has no API for the date a subscription was onboarded to Security Center; we read it from
 * this subscription tag (the emulator sets it; on Azure, set it once per subscription onboarded
 * before 17 March 2019). Without it the pre-2019 rule does not apply.
 */
export const ONBOARDED_AT_TAG = "ascOnboardedAt";

const isNotFound = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;

async function orNull<T>(call: () => Promise<T>, retry?: RetryOptions): Promise<T | null> {
  try {
    return await withRetries(call, retry);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

export interface SubscriptionFacts {
  readonly exists: boolean;
  readonly onboardedAt: string | null;
  readonly settings: InventorySettings;
}

export async function readSubscription(conn: AzureConnection, subscriptionId: string, retry?: RetryOptions): Promise<SubscriptionFacts> {
  const resources = new ResourceManagementClient(conn.credential, subscriptionId, conn.clientOptions());
  const tags = await orNull(() => resources.tagsOperations.getAtScope(`/subscriptions/${subscriptionId}`), retry);
  if (tags === null) return { exists: false, onboardedAt: null, settings: {} };
  const onboarded = str(at(tags, "properties", "tags", ONBOARDED_AT_TAG)) ?? null;
  const security = new SecurityCenter(conn.credential, subscriptionId, conn.clientOptions());
  const [pricing, auto, workspaceSetting, defender] = await Promise.all([
    orNull(() => security.pricings.get("VirtualMachines"), retry),
    orNull(() => security.autoProvisioningSettings.get("default"), retry),
    orNull(async () => {
      for await (const s of security.workspaceSettings.list()) return s;
      return null;
    }, retry),
    readDefenderSettings(conn, subscriptionId, retry),
  ]);
  const tier = str(pricing?.pricingTier);
  const autoProvision = str(auto?.autoProvision);
  return {
    exists: true,
    onboardedAt: onboarded && /^\d{4}-\d{2}-\d{2}/.test(onboarded) ? onboarded.slice(0, 10) : null,
    settings: {
      pricingTier: tier === "Standard" || tier === "Free" ? tier : null,
      autoProvision: autoProvision === "On" || autoProvision === "Off" ? autoProvision : null,
      workspaceId: str(workspaceSetting?.workspaceId) ?? null,
      ...defender,
    },
  };
}

export const SECURITY_EVENTS_KIND = "SecurityEventCollectionConfiguration";
export const SENTINEL_SECURITY_EVENTS_KIND = "SecurityInsightsSecurityEventCollectionConfiguration";

/** Who configures the workspace's security events, and at which tier. */
export async function readSecurityEvents(conn: AzureConnection, ws: InventoryWorkspace, retry?: RetryOptions): Promise<InventoryWorkspace["securityEvents"]> {
  const client = new OperationalInsightsManagementClient(conn.credential, subscriptionOf(ws.id), conn.clientOptions());
  const rg = resourceGroupOf(ws.id);
  const name = nameOf(ws.id);
  const first = async (kind: string) =>
    withRetries(async () => {
      for await (const ds of client.dataSources.listByWorkspace(rg, name, `kind eq '${kind}'`)) return ds;
      return undefined;
    }, retry);
  const sentinel = await first(SENTINEL_SECURITY_EVENTS_KIND);
  if (sentinel) return { tier: tierFromApi(str(at(sentinel.properties, "tier")) ?? str(at(sentinel.properties, "Tier")) ?? "None") ?? "None", owner: "sentinel" };
  const ours = await first(SECURITY_EVENTS_KIND);
  if (ours) return { tier: tierFromApi(str(at(ours.properties, "Tier")) ?? str(at(ours.properties, "tier")) ?? "None") ?? "None", owner: "securityCenter" };
  return undefined;
}
