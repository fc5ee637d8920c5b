/** Reading parts of ARM resource ids. ARM compares ids case-insensitively; so do we. */

const PREFIX = "/subscriptions/";

/** The subscription GUID of an id, lower-cased ("" when the id has none). Hot in the planner: no regex. */
export function subscriptionOf(resourceId: string): string {
  // slice and compare, not startsWith (several times as costly, per machine).
  if (resourceId.slice(0, PREFIX.length) !== PREFIX) {
    const m = /^\/subscriptions\/([^/]+)/i.exec(resourceId);
    return m ? m[1]!.toLowerCase() : "";
  }
  const end = resourceId.indexOf("/", PREFIX.length);
  return resourceId.slice(PREFIX.length, end < 0 ? undefined : end).toLowerCase();
}

export function resourceGroupOf(resourceId: string): string {
  const m = /\/resourceGroups\/([^/]+)/i.exec(resourceId);
  return m ? m[1]! : "";
}

export function nameOf(resourceId: string): string {
  const i = resourceId.lastIndexOf("/");
  return i < 0 ? resourceId : resourceId.slice(i + 1);
}

export function sameId(a: string | null | undefined, b: string | null | undefined): boolean {
  return a != null && b != null && a.toLowerCase() === b.toLowerCase();
}
