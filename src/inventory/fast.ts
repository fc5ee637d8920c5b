/**
 * The common case of an inventory machine checked without zod: a machine that passes is exactly
 * what its schema (schema.ts) would return for it, so the loader keeps the object it has instead
 * of building a copy. A million machines then cost one check each and no second copy of the
 * fleet; anything unusual (a missing field, a wrong type, a default to fill) goes through the
 * schema, which also words the error. test/inventory/fast.test.ts holds the two to the same answers.
 */
import { armIdProblem, armNameProblem } from "../spec/armIds";
import { KNOWN_REGIONS } from "../spec/geography";
import { AGENT_KINDS, MACHINE_KINDS, machineSchema, OS_TYPES, POWER_STATES, PRICING_TIERS, SCALE_SET_UPGRADE_POLICIES } from "./schema";
import { MACHINE_ID_FORMS } from "./shapes";

const KINDS: ReadonlySet<unknown> = new Set(MACHINE_KINDS);
const OSES: ReadonlySet<unknown> = new Set(OS_TYPES);
const POWER: ReadonlySet<unknown> = new Set(POWER_STATES);
const AGENTS: ReadonlySet<unknown> = new Set(AGENT_KINDS);
const UPGRADE_POLICIES: ReadonlySet<unknown> = new Set(SCALE_SET_UPGRADE_POLICIES);
const TIERS: ReadonlySet<unknown> = new Set(PRICING_TIERS);

type Fields = Record<string, unknown>;

function isObject(x: unknown): x is Fields {
  return x !== null && typeof x === "object" && !Array.isArray(x);
}

const nonEmpty = (x: unknown): boolean => typeof x === "string" && x.length > 0;
const count = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;
const optional = (x: unknown, ok: (v: unknown) => boolean): boolean => x === undefined || ok(x);

function every(list: unknown, ok: (item: unknown) => boolean): boolean {
  if (!Array.isArray(list)) return false;
  for (const item of list) if (!ok(item)) return false;
  return true;
}

function plainExtension(x: unknown): boolean {
  if (!isObject(x)) return false;
  return (
    nonEmpty(x.publisher) &&
    nonEmpty(x.type) &&
    nonEmpty(x.version) &&
    optional(x.name, (n) => typeof n === "string" && armNameProblem(n) === undefined) &&
    optional(x.workspaceCustomerId, (w) => w === null || typeof w === "string") &&
    optional(x.provisioningState, (s) => typeof s === "string") &&
    optional(x.failure, plainFailure)
  );
}

function plainFailure(x: unknown): boolean {
  return isObject(x) && optional(x.code, (c) => typeof c === "string") && optional(x.message, (m) => typeof m === "string");
}

function plainAgent(x: unknown): boolean {
  if (!isObject(x)) return false;
  return AGENTS.has(x.kind) && optional(x.workspaceCustomerIds, (ids) => every(ids, (i) => typeof i === "string")) && optional(x.version, (v) => typeof v === "string");
}

function plainIdentity(x: unknown): boolean {
  return x === null || (isObject(x) && nonEmpty(x.type) && optional(x.principalId, (p) => p === null || typeof p === "string"));
}

function plainPricing(x: unknown): boolean {
  return x === null || (isObject(x) && TIERS.has(x.pricingTier) && optional(x.subPlan, (p) => p === null || typeof p === "string"));
}

function plainScaleSet(x: unknown): boolean {
  return isObject(x) && UPGRADE_POLICIES.has(x.upgradePolicy) && optional(x.instances, count) && optional(x.instancesNotUpgraded, count);
}

function plainVulnerabilityAssessment(x: unknown): boolean {
  return x === null || (isObject(x) && nonEmpty(x.name) && optional(x.provisioningState, (s) => typeof s === "string"));
}

/** The machine fields plainMachine checks; a field the schema gained since goes through the schema until it is added here. */
const CHECKED = new Set(["id", "kind", "osType", "location", "powerState", "vmAgent", "appliance", "extensions", "agents", "identity", "tags", "osName", "generalized", "pricing", "scaleSet", "vulnerabilityAssessment"]);
const UNCHECKED = Object.keys(machineSchema.shape).filter((field) => !CHECKED.has(field));

/** True when `x` is a machine the schema accepts and returns unchanged. */
export function plainMachine(x: unknown): boolean {
  if (!isObject(x)) return false;
  for (const field of UNCHECKED) if (x[field] !== undefined) return false;
  return (
    typeof x.id === "string" &&
    KINDS.has(x.kind) &&
    // The id of the kind's form (shapes.ts), its segments as armIds.ts allows them.
    MACHINE_ID_FORMS[x.kind as keyof typeof MACHINE_ID_FORMS].test(x.id) &&
    armIdProblem(x.id) === undefined &&
    OSES.has(x.osType) &&
    // A region this tool knows by its ARM name; any other (a newer region, "West Europe") goes through the schema's check.
    typeof x.location === "string" && KNOWN_REGIONS.has(x.location) &&
    POWER.has(x.powerState) &&
    typeof x.vmAgent === "boolean" &&
    optional(x.appliance, (a) => typeof a === "boolean") &&
    optional(x.extensions, (e) => every(e, plainExtension)) &&
    optional(x.agents, (a) => every(a, plainAgent)) &&
    optional(x.identity, plainIdentity) &&
    optional(x.tags, (t) => isObject(t) && Object.values(t).every((v) => typeof v === "string")) &&
    optional(x.osName, (n) => typeof n === "string") &&
    optional(x.generalized, (g) => typeof g === "boolean") &&
    optional(x.pricing, plainPricing) &&
    optional(x.scaleSet, plainScaleSet) &&
    optional(x.vulnerabilityAssessment, plainVulnerabilityAssessment)
  );
}
