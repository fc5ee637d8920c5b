/**
 * The component package's provider: what `PulumiPlugin.yaml` (runtime nodejs, pulumi-plugin/)
 * runs, so that Pulumi YAML, Python, Go, .NET and Java programs use the components. It serves the
 * package schema (schemas/pulumi-package.json, generated from the components' sources) and
 * constructs a component when a program declares one. Inputs arrive as the schema describes
 * them; `endpoint` is a string there (the emulator's ARM endpoint, or empty for the stack's
 * selection).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { AutoProvisioning } from "../autoProvisioning";
import { AzureMonitorAgentPolicy, ExtensionPolicy } from "../policy";
import { selectEndpoint } from "../provider";
import { DefaultWorkspace, SecurityEventCollection } from "../workspace";
import { COMPONENTS, type ComponentEntry } from "./components";

/** schemas/pulumi-package.json from here: components/pulumi/package (sources) or dist/components/pulumi/package (built, installed). */
function schemaText(): string {
  for (const up of ["../../..", "../../../.."]) {
    try {
      return readFileSync(join(__dirname, up, "schemas", "pulumi-package.json"), "utf8");
    } catch {
      // try the next layout
    }
  }
  throw new Error(`schemas/pulumi-package.json not found above ${__dirname}`);
}

type Construct = (name: string, inputs: Record<string, unknown>, options: pulumi.ComponentResourceOptions) => pulumi.ComponentResource;

/** Construction per component; arguments are passed as given, the endpoint string turned into the components' form. */
const CONSTRUCTORS: Record<ComponentEntry["className"], Construct> = {
  AutoProvisioning: (name, inputs, options) => {
    const { endpoint, ...rest } = inputs;
    const args = { ...rest, ...(typeof endpoint === "string" && endpoint !== "" ? { endpoint: selectEndpoint(endpoint, {}) } : {}) };
    return new AutoProvisioning(name, args as unknown as ConstructorParameters<typeof AutoProvisioning>[1], options);
  },
  DefaultWorkspace: (name, inputs, options) => new DefaultWorkspace(name, inputs as unknown as ConstructorParameters<typeof DefaultWorkspace>[1], options),
  SecurityEventCollection: (name, inputs, options) => new SecurityEventCollection(name, inputs as unknown as ConstructorParameters<typeof SecurityEventCollection>[1], options),
  ExtensionPolicy: (name, inputs, options) => new ExtensionPolicy(name, inputs as unknown as ConstructorParameters<typeof ExtensionPolicy>[1], options),
  AzureMonitorAgentPolicy: (name, inputs, options) => new AzureMonitorAgentPolicy(name, inputs as unknown as ConstructorParameters<typeof AzureMonitorAgentPolicy>[1], options),
};

export class ComponentPackageProvider implements provider.Provider {
  /** The package's version, as the schema (generated at the package's version) states it. */
  readonly version: string;
  private readonly schemaJson: string;
  private readonly outputs: Map<string, string[]>;

  constructor() {
    this.schemaJson = schemaText();
    const parsed = JSON.parse(this.schemaJson) as { version: string; resources: Record<string, { properties?: Record<string, unknown> }> };
    this.version = parsed.version;
    this.outputs = new Map(Object.entries(parsed.resources).map(([token, r]) => [token, Object.keys(r.properties ?? {})]));
  }

  async getSchema(): Promise<string> {
    return this.schemaJson;
  }

  async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<provider.ConstructResult> {
    const entry = COMPONENTS.find((c) => c.token === type);
    if (!entry) throw new Error(`unknown component type ${type}: one of ${COMPONENTS.map((c) => c.token).join(", ")}`);
    const component = CONSTRUCTORS[entry.className](name, inputs as Record<string, unknown>, options);
    const state: Record<string, unknown> = {};
    for (const key of this.outputs.get(type) ?? []) {
      const value = (component as unknown as Record<string, unknown>)[key];
      if (value !== undefined) state[key] = value;
    }
    return { urn: component.urn, state };
  }
}
