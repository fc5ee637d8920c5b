/**
 * ARM's subscription-level common endpoints that every client (the Azure CLI, Terraform's azurerm
 * provider) calls before it does anything else: resource providers (`/providers`,
 * `/subscriptions/{s}/providers[/{ns}]`, `POST .../providers/{ns}/register|unregister`), the
 * subscription's locations and the caller's tenants. Every emulated namespace is Registered;
 * register answers its document (registration is instant here).
 */
import type { Registry } from "./registry";
import type { Needs, SpecialRoute } from "./types";
import { API_VERSIONS, requireApiVersion } from "./apiVersions";
import { requireSubscription } from "./scope";
import { ArmErrors } from "../http/errors";
import type { EmuRequest, EmuResponse } from "../http/types";
import type { JsonObject } from "../util/json";
import { REGIONS, regionDisplayName } from "../catalog/regions";

type Deps = Needs<"store" | "tenantId">;

const PROVIDER_VERSIONS = [...API_VERSIONS.resources];
const SUBSCRIPTION_VERSIONS = [...API_VERSIONS.subscriptions, ...API_VERSIONS.resources];

/** A namespace's provider document, at subscription scope or (no subscription) the tenant's. */
export function providerDocument(registry: Registry, ns: string, subscriptionId: string | null): JsonObject {
  const types = registry
    .all()
    .filter((s) => s.type.split("/")[0]!.toLowerCase() === ns.toLowerCase())
    .map((s) => ({
      resourceType: s.type.split("/").slice(1).join("/"),
      locations: s.scopes.includes("resourceGroup") ? REGIONS.map(regionDisplayName) : [],
      apiVersions: [...s.apiVersions].reverse(),
      capabilities: "None",
    }));
  const doc: JsonObject = {
    id: `${subscriptionId ? `/subscriptions/${subscriptionId}` : ""}/providers/${ns}`,
    namespace: ns,
    resourceTypes: types,
  };
  if (subscriptionId) {
    doc["registrationState"] = "Registered";
    doc["registrationPolicy"] = "RegistrationRequired";
  }
  return doc;
}

function namespaces(registry: Registry): string[] {
  return [...new Set(registry.all().map((s) => s.type.split("/")[0]!))].sort();
}

function locations(subscriptionId: string): JsonObject {
  return {
    value: REGIONS.map((name) => ({
      id: `/subscriptions/${subscriptionId}/locations/${name}`,
      name,
      type: "Region",
      displayName: regionDisplayName(name),
      regionalDisplayName: regionDisplayName(name),
      metadata: { regionType: "Physical", regionCategory: "Recommended" },
    })),
  };
}

function get(req: EmuRequest): void {
  if (req.method !== "GET") throw ArmErrors.methodNotAllowed(req.method);
}

export function providersRoute(registry: Registry): SpecialRoute<Deps> {
  return (ctx, req): EmuResponse | undefined => {
    const l = req.segments.map((s) => s.toLowerCase());
    // GET /tenants
    if (l.length === 1 && l[0] === "tenants") {
      get(req);
      requireApiVersion(req, SUBSCRIPTION_VERSIONS);
      req.operation = "LIST microsoft.resources/tenants";
      return { status: 200, body: { value: [{ id: `/tenants/${ctx.tenantId}`, tenantId: ctx.tenantId, tenantCategory: "Home", displayName: "Azure emulator", defaultDomain: "emulator.invalid", tenantType: "AAD", domains: ["emulator.invalid"] }] } };
    }
    // GET /providers, /providers/{ns}
    if (l[0] === "providers" && (l.length === 1 || (l.length === 2 && registry.namespace(l[1]!)))) {
      get(req);
      requireApiVersion(req, PROVIDER_VERSIONS);
      req.operation = "GET providers";
      if (l.length === 2) return { status: 200, body: providerDocument(registry, registry.namespace(l[1]!)!, null) };
      return { status: 200, body: { value: namespaces(registry).map((ns) => providerDocument(registry, ns, null)) } };
    }
    if (l[0] !== "subscriptions" || l.length < 3) return undefined;
    const subscriptionId = req.segments[1]!;
    // GET /subscriptions/{s}/locations
    if (l.length === 3 && l[2] === "locations") {
      get(req);
      requireApiVersion(req, SUBSCRIPTION_VERSIONS);
      requireSubscription(ctx, subscriptionId);
      req.operation = "LIST microsoft.resources/locations";
      return { status: 200, body: locations(subscriptionId) };
    }
    if (l[2] !== "providers") return undefined;
    // GET /subscriptions/{s}/providers
    if (l.length === 3) {
      get(req);
      requireApiVersion(req, PROVIDER_VERSIONS);
      requireSubscription(ctx, subscriptionId);
      req.operation = "LIST providers";
      return { status: 200, body: { value: namespaces(registry).map((ns) => providerDocument(registry, ns, subscriptionId)) } };
    }
    const ns = registry.namespace(l[3]!);
    // GET /subscriptions/{s}/providers/{ns}, POST .../{ns}/register|unregister
    if (ns && (l.length === 4 || (l.length === 5 && (l[4] === "register" || l[4] === "unregister")))) {
      if (l.length === 4) get(req);
      else if (req.method !== "POST") throw ArmErrors.methodNotAllowed(req.method);
      requireApiVersion(req, PROVIDER_VERSIONS);
      requireSubscription(ctx, subscriptionId);
      req.operation = l.length === 4 ? "GET providers" : `POST providers/${l[4]}`;
      return { status: 200, body: providerDocument(registry, ns, subscriptionId) };
    }
    return undefined;
  };
}
