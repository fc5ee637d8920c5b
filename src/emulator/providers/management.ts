/**
 * Microsoft.Management: the management-group hierarchy as ARM serves it. Groups live at tenant
 * scope (`/providers/Microsoft.Management/managementGroups/{name}`) under the tenant root group
 * (named after the tenant id; it always exists). `GET ...?$expand=children[&$recurse=true]`
 * lists children, `GET .../descendants` every group and subscription below, and
 * `PUT/DELETE .../subscriptions/{id}` moves a subscription under a group (back to the root on
 * DELETE). Group PUTs complete synchronously (Azure answers 202 and finishes within seconds).
 */
import type { ActionInput, Needs, PutInput, PutResult, ResourceTypeSpec, Target } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import type { EmuRequest } from "../http/types";
import type { StoredResource } from "../store/resources";
import { getString, isObject, type Json, type JsonObject } from "../util/json";
import { newGuid } from "../util/random";
import { Hierarchy, managementGroupId, ROOT_GROUP_DISPLAY_NAME, type GroupNode } from "../model/managementGroups";
import { MANAGEMENT_GROUP_SUBSCRIPTION_TYPE, MANAGEMENT_GROUP_TYPE } from "../model/resourceTypes";

/** What these handlers use. */
type Deps = Needs<"store" | "tenantId" | "clock">;

const NAME = /^[-\w.()]{1,90}$/;

function groupDoc(ctx: Deps, node: GroupNode, h: Hierarchy): JsonObject {
  const parent = node.parent ? h.group(node.parent) : undefined;
  return {
    id: managementGroupId(node.name),
    type: MANAGEMENT_GROUP_TYPE,
    name: node.name,
    properties: {
      tenantId: ctx.tenantId,
      displayName: node.displayName,
      details: {
        version: 1,
        updatedTime: ctx.clock.iso(),
        updatedBy: ctx.tenantId,
        parent: parent ? { id: managementGroupId(parent.name), name: parent.name, displayName: parent.displayName } : null,
      },
    },
  };
}

function children(h: Hierarchy, name: string, recurse: boolean): Json[] {
  return [
    ...h.childGroups(name).map((g): Json => {
      const c: JsonObject = { type: MANAGEMENT_GROUP_TYPE, id: managementGroupId(g.name), name: g.name, displayName: g.displayName };
      if (recurse) c["children"] = children(h, g.name, true);
      return c;
    }),
    ...h.childSubscriptions(name).map((s): Json => ({ type: "/subscriptions", id: `/subscriptions/${s.id}`, name: s.id, displayName: s.displayName })),
  ];
}

function wants(req: EmuRequest | undefined, key: string, value: string): boolean {
  for (const [k, v] of req?.query ?? []) if (k.toLowerCase() === key && v.toLowerCase().split(",").includes(value)) return true;
  return false;
}

function view(ctx: Deps, stored: StoredResource, req?: EmuRequest): JsonObject {
  const h = Hierarchy.read(ctx, ctx.tenantId);
  const node = h.group(String(stored.doc["name"]));
  if (!node) return stored.doc;
  const doc = groupDoc(ctx, node, h);
  if (wants(req, "$expand", "children")) (doc["properties"] as JsonObject)["children"] = children(h, node.name, wants(req, "$recurse", "true"));
  return doc;
}

function putGroup(input: PutInput<Deps>): PutResult {
  const { ctx, body, target } = input;
  if (!NAME.test(target.name)) throw ArmErrors.invalidParameter(`The management group name '${target.name}' is invalid: up to 90 letters, digits, '-', '_', '.', '(' or ')'.`, "name");
  if (target.name.toLowerCase() === ctx.tenantId.toLowerCase()) throw ArmErrors.invalidParameter("The tenant root group cannot be changed.", "name");
  const props = isObject(body["properties"]) ? body["properties"] : {};
  const h = Hierarchy.read(ctx, ctx.tenantId);
  const parentId = getString(props, "details", "parent", "id");
  const parentName = parentId ? parentId.split("/").pop()! : ctx.tenantId;
  const parent = h.group(parentName);
  if (!parent) throw ArmErrors.managementGroupNotFound(parentName);
  if (h.isWithin(parent, target.name)) throw ArmErrors.invalidParameter(`Management group '${target.name}' cannot be placed under its own descendant '${parent.name}'.`, "properties.details.parent.id");
  const node: GroupNode = { name: target.name, displayName: getString(props, "displayName") ?? target.name, parent: parent.name };
  return { doc: groupDoc(ctx, node, h) };
}

function rootGroup(ctx: Deps, target: Target): StoredResource | undefined {
  if (target.name.toLowerCase() !== ctx.tenantId.toLowerCase()) return undefined;
  const id = managementGroupId(ctx.tenantId);
  return { id, type: MANAGEMENT_GROUP_TYPE, doc: { id, type: MANAGEMENT_GROUP_TYPE, name: ctx.tenantId, properties: { displayName: ROOT_GROUP_DISPLAY_NAME } }, secret: null };
}

function descendants({ ctx, stored }: ActionInput<Deps>) {
  const h = Hierarchy.read(ctx, ctx.tenantId);
  const name = String(stored.doc["name"]);
  const value: Json[] = [];
  const walk = (g: string): void => {
    for (const c of h.childGroups(g)) {
      value.push({ id: managementGroupId(c.name), type: MANAGEMENT_GROUP_TYPE, name: c.name, properties: { displayName: c.displayName, parent: { id: managementGroupId(g) } } });
      walk(c.name);
    }
    for (const s of h.childSubscriptions(g)) {
      value.push({ id: `/subscriptions/${s.id}`, type: "/subscriptions", name: s.id, properties: { displayName: s.displayName, parent: { id: managementGroupId(g) } } });
    }
  };
  walk(name);
  return { status: 200, body: { value } };
}

export const managementGroups: ResourceTypeSpec<Deps> = {
  type: MANAGEMENT_GROUP_TYPE,
  apiVersions: API_VERSIONS.management,
  scopes: ["tenant"],
  createStatus: 200,
  put: putGroup,
  patchable: true,
  view,
  virtual: rootGroup,
  beforeDelete: (ctx, stored) => {
    const h = Hierarchy.read(ctx, ctx.tenantId);
    const name = String(stored.doc["name"]);
    if (h.childGroups(name).length > 0 || h.childSubscriptions(name).length > 0) {
      throw ArmErrors.conflict(`Management group '${name}' has children (groups or subscriptions); move or delete them first.`);
    }
  },
  actions: { "GET descendants": descendants },
};

function putSubscriptionUnder(input: PutInput<Deps>): PutResult {
  const { ctx, target } = input;
  const sub = ctx.store.get(`/subscriptions/${target.name.toLowerCase()}`);
  if (!sub) throw ArmErrors.subscriptionNotFound(target.name);
  // A subscription sits under one group: placing it here takes it from where it was.
  for (const m of ctx.store.listTypes([MANAGEMENT_GROUP_SUBSCRIPTION_TYPE])) {
    if (String(m.doc["name"]).toLowerCase() === target.name.toLowerCase() && m.id.toLowerCase() !== target.id.toLowerCase()) ctx.store.deleteTree(m.id);
  }
  return { doc: membershipDoc(ctx, target.parent!.id, sub) };
}

/** The membership row of `subscription` under the group `groupId`, as ManagementGroupSubscriptions_Create stores it. */
export function membershipDoc(ctx: Pick<Deps, "tenantId">, groupId: string, subscription: StoredResource): JsonObject {
  const name = String(subscription.doc["subscriptionId"]).toLowerCase();
  return {
    id: `${groupId}/subscriptions/${name}`,
    type: MANAGEMENT_GROUP_SUBSCRIPTION_TYPE,
    name,
    properties: { tenant: ctx.tenantId, displayName: String(subscription.doc["displayName"] ?? ""), parent: { id: groupId }, state: "Active" },
    etag: newGuid(),
  };
}

export const managementGroupSubscriptions: ResourceTypeSpec<Deps> = {
  type: MANAGEMENT_GROUP_SUBSCRIPTION_TYPE,
  apiVersions: API_VERSIONS.management,
  scopes: ["tenant"],
  createStatus: 200,
  // ManagementGroupSubscriptions_Create has no body (the Azure CLI sends none).
  bodyOptional: true,
  put: putSubscriptionUnder,
};
