/**
 * Seeding a management-group hierarchy (EmulatorOptions.managementGroups, `POST
 * /admin/management-groups`): groups in order (a parent before its children; the tenant root group
 * when none is named), the subscriptions to place under each, and optionally new empty
 * subscriptions created under it, so a test can build a tenant of thousands of subscriptions in
 * one call. Everything goes through the Microsoft.Management handlers, as ARM PUTs would.
 */
import { z } from "zod";
import type { ArmContext } from "../arm/types";
import type { Registry } from "../arm/registry";
import { createDirect } from "../arm/direct";
import { subscriptionDoc } from "../model/containers";
import { Hierarchy, managementGroupId } from "../model/managementGroups";
import { MANAGEMENT_GROUP_SUBSCRIPTION_TYPE, SUBSCRIPTION_TYPE } from "../model/resourceTypes";
import { membershipDoc } from "../providers/management";
import { ONBOARDED_AT_TAG } from "../constants";
import { guidFrom } from "../util/random";

export const managementGroupSeedSchema = z
  .object({
    name: z.string().regex(/^[-\w.()]{1,90}$/, "up to 90 letters, digits, '-', '_', '.', '(' or ')'"),
    displayName: z.string().min(1).optional(),
    /** Parent group name (default: the tenant root group). */
    parent: z.string().min(1).optional(),
    /** Existing subscriptions to place under the group. */
    subscriptions: z.array(z.string().uuid()).optional(),
    /** New subscriptions to create under the group (ids derived from the group name). */
    newSubscriptions: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();

export const managementGroupSeedsSchema = z.array(managementGroupSeedSchema).max(1000);

export type ManagementGroupSeed = z.infer<typeof managementGroupSeedSchema>;

export interface SeededHierarchy {
  /** name → parent name (null for the root). */
  readonly groups: Readonly<Record<string, string | null>>;
  /** subscription id → group name. */
  readonly subscriptions: Readonly<Record<string, string>>;
}

export function seedManagementGroups(ctx: ArmContext, registry: Registry, seeds: readonly ManagementGroupSeed[]): SeededHierarchy {
  for (const g of seeds) {
    const parent = g.parent ? managementGroupId(g.parent) : managementGroupId(ctx.tenantId);
    createDirect(ctx, registry, managementGroupId(g.name), { properties: { displayName: g.displayName ?? g.name, details: { parent: { id: parent } } } });
    const moved: string[] = [...(g.subscriptions ?? [])];
    for (let i = 0; i < (g.newSubscriptions ?? 0); i++) {
      const id = guidFrom(`asc-emulator/management-group/${g.name.toLowerCase()}/subscription/${i}`);
      const doc = subscriptionDoc(id, `${g.displayName ?? g.name} ${i + 1}`, ctx.tenantId, { [ONBOARDED_AT_TAG]: "2021-02-01" });
      if (ctx.store.get(String(doc["id"]))) {
        moved.push(id);
        continue;
      }
      // A new subscription is under no group yet: its membership row is written as the handler
      // writes it, without the handler's search for a previous one (a scan of every membership,
      // which made a tenant of 10,000 subscriptions quadratic to seed).
      const stored = { id: String(doc["id"]), type: SUBSCRIPTION_TYPE, doc, secret: null };
      ctx.store.put(stored);
      const membership = membershipDoc(ctx, managementGroupId(g.name), stored);
      ctx.store.put({ id: String(membership["id"]), type: MANAGEMENT_GROUP_SUBSCRIPTION_TYPE, doc: membership, secret: null });
    }
    for (const sub of moved) createDirect(ctx, registry, `${managementGroupId(g.name)}/subscriptions/${sub.toLowerCase()}`, {});
  }
  return describeHierarchy(ctx);
}

export function describeHierarchy(ctx: ArmContext): SeededHierarchy {
  const h = Hierarchy.read(ctx, ctx.tenantId);
  const subscriptions: Record<string, string> = {};
  for (const s of ctx.store.list(SUBSCRIPTION_TYPE, {})) {
    const id = String(s.doc["subscriptionId"]);
    subscriptions[id] = h.groupOfSubscription(id).name;
  }
  return { groups: Object.fromEntries(h.allGroups().map((g) => [g.name, g.parent])), subscriptions };
}
