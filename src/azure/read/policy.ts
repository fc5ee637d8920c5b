/** policyresources / authorizationresources rows -> policy and role assignments (remediations: ./remediations.ts). */
import type { InventoryPolicyAssignment, InventoryRoleAssignment } from "../../inventory/schema";
import type { GraphRow } from "../graph";
import { at, str } from "./json";

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
