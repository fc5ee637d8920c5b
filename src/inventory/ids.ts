/** Reading parts of ARM resource ids. ARM compares ids case-insensitively; so do we. */

export function subscriptionOf(resourceId: string): string {
  const m = /^\/subscriptions\/([^/]+)/i.exec(resourceId);
  return m ? m[1]!.toLowerCase() : "";
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
