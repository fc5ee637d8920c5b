/**
 * Network appliances (WAF, NGFW) are never provisioned (Security Center FAQ: a VM qualifies only
 * if it "is not an appliance"). Azure has no appliance flag: a machine is one when its
 * marketplace plan comes from a network-appliance publisher, or when it carries the tag below.
 */
export const APPLIANCE_TAG = "applianceType";

export const APPLIANCE_PUBLISHERS: readonly string[] = Object.freeze([
  "paloaltonetworks",
  "fortinet",
  "barracudanetworks",
  "f5-networks",
  "checkpoint",
  "cisco",
  "citrix",
  "sophos",
  "juniper-networks",
]);

export function isAppliance(planPublisher: string | undefined | null, tags: Readonly<Record<string, string>> | undefined | null): boolean {
  if (tags && Object.keys(tags).some((k) => k.toLowerCase() === APPLIANCE_TAG.toLowerCase() && tags[k])) return true;
  return !!planPublisher && APPLIANCE_PUBLISHERS.includes(planPublisher.toLowerCase());
}
