/**
 * The Pulumi package schema of the component package (schemas/pulumi-package.json), built from the
 * JSON Schemas of the components' inputs and outputs (components.ts): the same schemas the
 * TypeScript argument types are generated from, so each input's documentation is written once.
 * Nested objects become the package's object types (named as their generated interfaces, without
 * the `Fields` suffix), string enums its enum types (ENUM_TYPES names them).
 *
 * test/pulumi/componentPackage.test.ts compares it with the checked-in file (UPDATE_SCHEMAS=1
 * rewrites it); the provider (provider.ts) serves that file.
 */
import { fieldDocumentation, inputJsonSchema, type FieldRoot, type JsonSchema } from "../../../src/core";
import { AGENTS, AMA_POLICY_KEYS, COLLECTING_AGENTS, RESOURCE_LEVEL_PLANS, SECURITY_EVENT_TIERS, SEED_POLICY_KEYS, SERVER_PLANS, VULNERABILITY_ASSESSMENT_PROVIDERS } from "../../../src/spec";
import { RECONCILE_MODES } from "../reconcile/types";
import { COMPONENTS, PACKAGE_NAME, type ComponentEntry } from "./components";

type SchemaType = Record<string, unknown>;

export interface PackageSchema {
  name: string;
  displayName: string;
  version: string;
  description: string;
  license: string;
  resources: Record<string, PackageResource>;
  types: Record<string, SchemaType>;
  language: Record<string, unknown>;
}

export interface PackageResource {
  isComponent: true;
  description: string;
  inputProperties: Record<string, SchemaType>;
  requiredInputs: string[];
  properties: Record<string, SchemaType>;
  required: string[];
}

/** The package's enum types, recognised by their values. */
const ENUM_TYPES: readonly { readonly name: string; readonly values: readonly string[]; readonly description: string }[] = [
  { name: "SecurityEventTier", values: SECURITY_EVENT_TIERS, description: "A Windows security-event tier, in the portal's words." },
  { name: "AgentChoice", values: AGENTS, description: "The agent: `mma`, the Log Analytics agent, `ama`, the Azure Monitor Agent, or `none`, no agent." },
  { name: "CollectingAgent", values: COLLECTING_AGENTS, description: "The agent a workspace's security-event tier is set for: `mma`, the Log Analytics agent, or `ama`, the Azure Monitor Agent." },
  { name: "ExtensionPolicyKey", values: SEED_POLICY_KEYS, description: "One of the seed's extension toggles." },
  { name: "AmaPolicyKey", values: AMA_POLICY_KEYS, description: "One of the Azure Monitor Agent's built-in policies." },
  { name: "ReconcileMode", values: RECONCILE_MODES, description: "What the agent reconciliation does: `apply` or `report`." },
  { name: "SecuritySolution", values: ["Security", "SecurityCenterFree"], description: "The workspace's Security Center solution, by Azure Defender on or off." },
  { name: "PricingTier", values: ["Standard", "Free"], description: "The Defender for Servers pricing tier." },
  { name: "ServerPlan", values: SERVER_PLANS, description: "Defender for Servers: `Off`, `P1` or `P2`." },
  { name: "ResourceLevelPlan", values: RESOURCE_LEVEL_PLANS, description: "A machine's own Defender for Servers plan: `P1` or `Free`." },
  { name: "VulnerabilityAssessmentProvider", values: VULNERABILITY_ASSESSMENT_PROVIDERS, description: "The vulnerability-assessment provider: `mdeTvm` (Defender Vulnerability Management) or `none`." },
];

const sameValues = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Collects the package's named types while converting JSON Schemas to package types. */
class PackageTypes {
  readonly types: Record<string, SchemaType> = {};

  private token(name: string): string {
    return `${PACKAGE_NAME}:index:${name}`;
  }

  private ref(name: string, type: () => SchemaType): SchemaType {
    const token = this.token(name);
    this.types[token] ??= type();
    return { $ref: `#/types/${token}` };
  }

  /** The package type of `json` at `path` of a root whose nested objects are named by `nested`. */
  typeOf(json: JsonSchema, path: string, nested: Readonly<Record<string, string>>): SchemaType {
    if (json.anyOf) {
      // `"default" | { id }`: a string or an object; string literals are strings.
      const parts = json.anyOf.map((branch) => this.typeOf(branch, path, nested));
      const distinct = parts.filter((p, i) => parts.findIndex((q) => JSON.stringify(q) === JSON.stringify(p)) === i);
      return distinct.length === 1 ? distinct[0]! : { oneOf: distinct };
    }
    if (typeof json.const === "string") return { type: "string" };
    if (json.enum) {
      const values = json.enum;
      const named = ENUM_TYPES.find((e) => sameValues(e.values, values));
      if (!named) throw new Error(`package schema: no enum type for ${JSON.stringify(values)} at ${path}: add it to ENUM_TYPES`);
      return this.ref(named.name, () => ({ type: "string", description: named.description, enum: values.map((value) => ({ value })) }));
    }
    switch (json.type) {
      case "string":
      case "boolean":
      case "number":
      case "integer":
        return { type: json.type };
      case "array":
        return { type: "array", items: this.typeOf(json.items ?? {}, `${path}[]`, nested) };
      case "object": {
        if (!json.properties) {
          const values = typeof json.additionalProperties === "object" ? json.additionalProperties : {};
          return { type: "object", additionalProperties: this.typeOf(values, `${path}{}`, nested) };
        }
        const name = nested[path];
        if (!name) throw new Error(`package schema: the object at ${path} has no name (add it to its root's nested names)`);
        return this.ref(name.replace(/Fields$/, ""), () => {
          const { properties, required } = this.properties(json, `${path}.`, nested);
          return { type: "object", description: json.description ?? "", properties, ...(required.length ? { required } : {}) };
        });
      }
      default:
        throw new Error(`package schema: no package type for ${JSON.stringify(json).slice(0, 80)} at ${path}`);
    }
  }

  /** An object's properties, each with its documentation, and its required ones. */
  properties(json: JsonSchema, prefix: string, nested: Readonly<Record<string, string>>): { properties: Record<string, SchemaType>; required: string[] } {
    const properties: Record<string, SchemaType> = {};
    for (const [key, field] of Object.entries(json.properties ?? {})) {
      properties[key] = { ...this.typeOf(field, `${prefix}${key}`, nested), description: fieldDocumentation(field) };
    }
    return { properties, required: [...(json.required ?? [])] };
  }
}

function resource(types: PackageTypes, entry: ComponentEntry): PackageResource {
  const inputs: Record<string, SchemaType> = {};
  const requiredSets: string[][] = [];
  let description = entry.description;
  for (const root of entry.inputs as readonly FieldRoot[]) {
    const json = inputJsonSchema(root.schema);
    const { properties, required } = types.properties(json, "", root.nested ?? {});
    // With several argument shapes (DefaultWorkspace: new or existing), the first shape's documentation of a shared input stands.
    for (const [key, property] of Object.entries(properties)) inputs[key] ??= property;
    requiredSets.push(required);
    description ??= json.description;
  }
  // An input is required only if every shape requires it.
  const requiredInputs = requiredSets.reduce((acc, set) => acc.filter((k) => set.includes(k)));
  const outputs = types.properties(inputJsonSchema(entry.outputs.schema), "", entry.outputs.nested ?? {}).properties;
  return { isComponent: true, description: description ?? "", inputProperties: inputs, requiredInputs, properties: outputs, required: [] };
}

/** The package schema at `version` (the npm package's). */
export function packageSchema(version: string): PackageSchema {
  const types = new PackageTypes();
  const resources: Record<string, PackageResource> = {};
  for (const entry of COMPONENTS) resources[entry.token] = resource(types, entry);
  return {
    name: PACKAGE_NAME,
    displayName: "Azure Security Center auto provisioning",
    version,
    description: "Declarative Azure Security Center (Defender for Cloud) auto provisioning: default workspaces, security events, Deploy-if-not-exists policies and the Azure Monitor Agent, as Pulumi components.",
    license: "MIT",
    resources,
    types: Object.fromEntries(Object.entries(types.types).sort(([a], [b]) => (a < b ? -1 : 1))),
    language: { nodejs: { packageName: PACKAGE_NAME, respectSchemaVersion: true } },
  };
}
