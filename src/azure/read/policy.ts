/** policyresources / authorizationresources rows -> policy and role assignments (remediations: ./remediations.ts). */
import type { InventoryPolicyAssignment, InventoryRoleAssignment } from "../../inventory/schema";
import type { GraphRow } from "../graph";
import { at, str } from "./json";

function optionalString<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;
}

function notScopesOf(value: unknown): { notScopes?: string[] } {
  const scopes = Array.isArray(value) ? value.filter((s): s is string => typeof s === "string") : [];
  return scopes.length ? { notScopes: scopes } : {};
}

/** Azure's `{ <name>: { value } }` as `{ <name>: value }`; none given, no field. */
function parametersOf(value: unknown): { parameters?: Record<string, unknown> } {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(value)) {
    const v = at(p, "value");
    if (v !== undefined) out[name] = v;
  }
  return Object.keys(out).length ? { parameters: out } : {};
}

export function policyFromRows(policyRows: readonly GraphRow[], roleRows: readonly GraphRow[]) {
  const policyAssignments: InventoryPolicyAssignment[] = [];
  for (const row of policyRows) {
    const type = row.type.toLowerCase();
    if (type === "microsoft.authorization/policyassignments") {
      const definition = str(at(row.properties, "policyDefinitionId"));
      const scope = str(at(row.properties, "scope"));
      if (!definition || !scope) continue;
      policyAssignments.push({
        id: row.id,
        ...(row.name ? { name: row.name } : {}),
        policyDefinitionId: definition,
        scope,
        identityPrincipalId: row.identity?.principalId ?? null,
        location: row.location ?? null,
        ...optionalString("displayName", str(at(row.properties, "displayName"))),
        ...optionalString("assignedBy", str(at(row.properties, "metadata", "assignedBy"))),
        ...notScopesOf(at(row.properties, "notScopes")),
        ...parametersOf(at(row.properties, "parameters")),
      });
    }
  }
  const roleAssignments: InventoryRoleAssignment[] = [];
  for (const row of roleRows) {
    const principalId = str(at(row.properties, "principalId"));
    const roleDefinitionId = str(at(row.properties, "roleDefinitionId"));
    const scope = str(at(row.properties, "scope"));
    if (principalId && roleDefinitionId && scope) roleAssignments.push({ id: row.id, principalId, roleDefinitionId, scope });
  }
  return { policyAssignments, roleAssignments };
}
