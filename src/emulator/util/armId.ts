/**
 * ARM resource ids: `{scope}/providers/{Namespace}/{type}/{name}[/{type}/{name}...]`, where scope is
 * empty (tenant), `/subscriptions/{s}`, `/subscriptions/{s}/resourceGroups/{rg}` or another
 * resource's id (extension resources such as role assignments). ARM compares ids case-insensitively.
 */

export interface IdParts {
  /** Lower-case subscription GUID, or null at tenant scope. */
  readonly subscriptionId: string | null;
  /** Resource group name as written, or null. */
  readonly resourceGroup: string | null;
  /** Everything before the last `/providers/` (the scope of the resource), "" for tenant. */
  readonly scope: string;
  /** Id of the parent resource for nested types (`.../virtualMachines/vm1` for an extension). */
  readonly parentId: string | null;
  /** `Microsoft.Compute/virtualMachines/extensions` as written in the id. */
  readonly type: string;
  readonly name: string;
}

export function splitPath(path: string): string[] {
  return path
    .split("/")
    .filter((s) => s.length > 0)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

export function joinId(segments: readonly string[]): string {
  return "/" + segments.join("/");
}

/** Index of the `providers` segment that starts the resource's own provider part, or -1. */
export function lastProvidersIndex(segments: readonly string[]): number {
  for (let i = segments.length - 2; i >= 0; i--) {
    if (segments[i]!.toLowerCase() === "providers" && segments[i + 1]!.includes(".")) return i;
  }
  return -1;
}

export function parseId(id: string): IdParts {
  const segs = splitPath(id);
  const subscriptionId = segs[0]?.toLowerCase() === "subscriptions" && segs[1] ? segs[1].toLowerCase() : null;
  const resourceGroup =
    subscriptionId && segs[2]?.toLowerCase() === "resourcegroups" && segs[3] ? segs[3] : null;
  const p = lastProvidersIndex(segs);
  if (p < 0) {
    // subscription or resource group itself
    if (resourceGroup && segs.length === 4) {
      return { subscriptionId, resourceGroup, scope: joinId(segs.slice(0, 2)), parentId: null, type: "Microsoft.Resources/resourceGroups", name: resourceGroup };
    }
    return { subscriptionId, resourceGroup: null, scope: "", parentId: null, type: "Microsoft.Resources/subscriptions", name: subscriptionId ?? "" };
  }
  const rest = segs.slice(p + 2);
  const types = rest.filter((_, i) => i % 2 === 0);
  const name = rest.length % 2 === 0 ? rest[rest.length - 1]! : "";
  const parentId = rest.length > 2 ? joinId(segs.slice(0, segs.length - 2)) : null;
  return {
    subscriptionId,
    resourceGroup,
    scope: p === 0 ? "" : joinId(segs.slice(0, p)),
    parentId,
    type: [segs[p + 1]!, ...types].join("/"),
    name,
  };
}

/** True when `scope` is `id` itself or one of its ancestors (role and policy scope coverage). */
export function scopeCovers(scope: string, id: string): boolean {
  const s = scope.toLowerCase().replace(/\/+$/, "");
  const i = id.toLowerCase();
  return s === "" || i === s || i.startsWith(s + "/");
}

export function subscriptionScopeId(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId.toLowerCase()}`;
}
