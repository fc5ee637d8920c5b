/**
 * The CDKTF side of the comparison: a synthesized stack (Testing.synth JSON) normalized to the
 * Azure resources azurerm would create, each an ArmResource. Terraform references
 * (`${azurerm_x.name.attr}`) are resolved to what Azure would answer (ids by ARM's id rules, a
 * policy assignment's identity as `principal-of:<id>`, a workspace data source's location from
 * `lookups`, as the Pulumi mocks answer getWorkspace). A template deployment stands for the
 * resources of its template; the deployment records themselves are returned apart.
 */
import { ARM, principalOf, type ArmResource } from "./armResources";

type Block = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is read by key

interface TfJson {
  provider?: { azurerm?: Block[] };
  resource?: Record<string, Record<string, Block>>;
  data?: Record<string, Record<string, Block>>;
}

export interface CdktfResources {
  readonly resources: ArmResource[];
  /** The `Microsoft.Resources/deployments` records of the template deployments (Terraform-only). */
  readonly deployments: ArmResource[];
}

const REF = /\$\{([^}]+)\}/g;

export function cdktfResources(synthesized: string, lookups: ReadonlyMap<string, string> = new Map()): CdktfResources {
  const doc = JSON.parse(synthesized) as TfJson;
  const subscriptionByAlias = new Map((doc.provider?.azurerm ?? []).map((p) => [`azurerm.${p["alias"] ?? ""}`, String(p["subscription_id"])]));
  const subscriptionOf = (b: Block): string => {
    const sub = subscriptionByAlias.get(b["provider"]);
    if (!sub) throw new Error(`resource without a subscription provider: ${JSON.stringify(b).slice(0, 120)}`);
    return sub;
  };
  const block = (kind: "resource" | "data", type: string, name: string): Block => {
    const b = doc[kind]?.[type]?.[name];
    if (!b) throw new Error(`unresolved reference ${kind} ${type}.${name}`);
    return b;
  };

  /** Resolves every `${...}` in a value. */
  const resolve = (value: unknown): unknown => {
    if (typeof value === "string") {
      const whole = /^\$\{([^}]+)\}$/.exec(value);
      if (whole) return evaluate(whole[1]!);
      return value.replace(REF, (_m, expr: string) => String(evaluate(expr)));
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };

  const evaluate = (expr: string): unknown => {
    const m = /^(data\.)?([a-z_]+)\.([^.]+)\.(.+)$/.exec(expr);
    if (!m) throw new Error(`unsupported expression ${expr}`);
    const [, data, type, name, attr] = m as unknown as [string, string | undefined, string, string, string];
    const b = block(data ? "data" : "resource", type, name);
    if (data) {
      if (type !== "azurerm_log_analytics_workspace") throw new Error(`unsupported data source ${type}`);
      const id = `/subscriptions/${subscriptionOf(b)}/resourceGroups/${resolve(b["resource_group_name"])}/providers/Microsoft.OperationalInsights/workspaces/${resolve(b["name"])}`;
      if (attr === "id") return id;
      if (attr === "location") {
        const location = lookups.get(id.toLowerCase());
        if (!location) throw new Error(`no mocked location for ${id}`);
        return location;
      }
      throw new Error(`unsupported data attribute ${expr}`);
    }
    if (attr === "id") return armIdOf(type, b);
    if (attr === "identity[0].principal_id") return principalOf(armIdOf(type, b));
    if (/^[a-z_]+$/.test(attr) && attr in b) return resolve(b[attr]);
    throw new Error(`unsupported attribute ${expr}`);
  };

  const str = (b: Block, key: string): string => String(resolve(b[key]));
  const rgId = (b: Block): string => `/subscriptions/${subscriptionOf(b)}/resourceGroups/${str(b, "resource_group_name")}`;

  /** The id Azure gives what the resource creates (azurerm's own id for it). */
  const armIdOf = (type: string, b: Block): string => {
    switch (type) {
      case "azurerm_resource_group":
        return `/subscriptions/${subscriptionOf(b)}/resourceGroups/${str(b, "name")}`;
      case "azurerm_log_analytics_workspace":
        return `${rgId(b)}/providers/Microsoft.OperationalInsights/workspaces/${str(b, "name")}`;
      case "azurerm_log_analytics_solution":
        // azurerm names the solution `<solution_name>(<workspace_name>)`.
        return `${rgId(b)}/providers/Microsoft.OperationsManagement/solutions/${str(b, "solution_name")}(${str(b, "workspace_name")})`;
      case "azurerm_security_center_subscription_pricing":
        return `/subscriptions/${subscriptionOf(b)}/providers/Microsoft.Security/pricings/${b["resource_type"] ?? "VirtualMachines"}`;
      case "azurerm_security_center_workspace":
        return `/subscriptions/${subscriptionOf(b)}/providers/Microsoft.Security/workspaceSettings/default`;
      case "azurerm_subscription_policy_assignment":
        return `${str(b, "subscription_id")}/providers/Microsoft.Authorization/policyAssignments/${str(b, "name")}`;
      case "azurerm_role_assignment":
        return `${str(b, "scope")}/providers/Microsoft.Authorization/roleAssignments/${str(b, "name")}`;
      case "azurerm_subscription_policy_remediation":
        return `${str(b, "subscription_id")}/providers/Microsoft.PolicyInsights/remediations/${str(b, "name")}`;
      case "azurerm_monitor_data_collection_rule":
        return `${rgId(b)}/providers/Microsoft.Insights/dataCollectionRules/${str(b, "name")}`;
      case "azurerm_resource_group_template_deployment":
        return `${rgId(b)}/providers/Microsoft.Resources/deployments/${str(b, "name")}`;
      default:
        throw new Error(`no ARM id rule for ${type}`);
    }
  };

  const resources: ArmResource[] = [];
  const deployments: ArmResource[] = [];
  for (const [type, byName] of Object.entries(doc.resource ?? {})) {
    for (const b of Object.values(byName)) {
      const name = armIdOf(type, b);
      const at = (armType: string, props: Record<string, unknown>) => resources.push({ armType, name, props });
      switch (type) {
        case "azurerm_resource_group":
          at(ARM.resourceGroup, { location: str(b, "location") });
          break;
        case "azurerm_log_analytics_workspace":
          at(ARM.workspace, { location: str(b, "location"), sku: b["sku"], retentionInDays: b["retention_in_days"] });
          break;
        case "azurerm_log_analytics_solution": {
          const plan = b["plan"] as Block;
          // azurerm sets plan.name to the solution's name, and sends promotion_code "" when unset.
          at(ARM.solution, {
            location: str(b, "location"),
            workspaceResourceId: str(b, "workspace_resource_id"),
            plan: { name: name.slice(name.lastIndexOf("/") + 1), product: plan["product"], publisher: plan["publisher"], promotionCode: plan["promotion_code"] ?? "" },
          });
          break;
        }
        case "azurerm_security_center_subscription_pricing":
          at(ARM.pricing, { pricingTier: b["tier"] });
          break;
        case "azurerm_security_center_workspace":
          at(ARM.workspaceSetting, { scope: str(b, "scope"), workspaceId: str(b, "workspace_id") });
          break;
        case "azurerm_subscription_policy_assignment":
          at(ARM.policyAssignment, {
            policyDefinitionId: b["policy_definition_id"],
            displayName: b["display_name"],
            location: b["location"],
            identityType: b["identity"]?.type,
            parameters: b["parameters"] === undefined ? null : JSON.parse(str(b, "parameters")),
            resourceSelectors: b["resource_selectors"] ?? null,
            notScopes: b["not_scopes"] ?? null,
          });
          break;
        case "azurerm_role_assignment":
          at(ARM.roleAssignment, { roleDefinitionId: b["role_definition_id"], principalId: resolve(b["principal_id"]), principalType: b["principal_type"] });
          break;
        case "azurerm_subscription_policy_remediation":
          at(ARM.remediation, {
            policyAssignmentId: str(b, "policy_assignment_id"),
            resourceDiscoveryMode: b["resource_discovery_mode"],
            resourceCount: b["resource_count"],
            parallelDeployments: b["parallel_deployments"],
          });
          break;
        case "azurerm_monitor_data_collection_rule":
          at(ARM.dataCollectionRule, nativeRuleBody(resolve(b) as Block));
          break;
        case "azurerm_resource_group_template_deployment": {
          if (b["deployment_mode"] !== "Incremental") throw new Error(`${name}: deployment_mode ${b["deployment_mode"]}`);
          deployments.push({ armType: ARM.deployment, name, props: { mode: b["deployment_mode"] } });
          const template = JSON.parse(str(b, "template_content")) as { resources: Block[] };
          for (const r of template.resources) resources.push(templateResource(rgId(b), r));
          break;
        }
        default:
          throw new Error(`no normalizer for Terraform resource type ${type}: the comparison must learn it`);
      }
    }
  }
  return { resources, deployments };
}

/** A template resource (`type` A/b/c, `name` x/y) as its ARM id and key properties. */
function templateResource(resourceGroupId: string, r: Block): ArmResource {
  const [namespace, ...types] = String(r["type"]).split("/");
  const names = String(r["name"]).split("/");
  const path = types.map((t, i) => `${t}/${names[i]}`).join("/");
  const name = `${resourceGroupId}/providers/${namespace}/${path}`;
  switch (r["type"]) {
    case ARM.dataSource:
      return { armType: ARM.dataSource, name, props: { kind: r["kind"], properties: r["properties"] } };
    case ARM.dataCollectionRule:
      return { armType: ARM.dataCollectionRule, name, props: { location: r["location"], tags: r["tags"], properties: r["properties"] } };
    default:
      throw new Error(`no normalizer for template resource type ${r["type"]}`);
  }
}

/** azurerm's DCR blocks back in ARM's words (dataCollectionRuleBody's shape). */
function nativeRuleBody(b: Block): Record<string, unknown> {
  const logs = (b["data_sources"]?.windows_event_log ?? []) as Block[];
  return {
    location: b["location"],
    tags: b["tags"],
    properties: {
      description: b["description"],
      dataSources: logs.length ? { windowsEventLogs: logs.map((d) => ({ name: d["name"], streams: d["streams"], xPathQueries: d["x_path_queries"] })) } : {},
      destinations: { logAnalytics: (b["destinations"].log_analytics as Block[]).map((d) => ({ workspaceResourceId: d["workspace_resource_id"], name: d["name"] })) },
      dataFlows: ((b["data_flow"] ?? []) as Block[]).map((f) => ({ streams: f["streams"], destinations: f["destinations"] })),
    },
  };
}
