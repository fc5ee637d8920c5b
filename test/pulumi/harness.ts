/**
 * A `pulumi.runtime.setMocks` harness that records every registration the way the engine would
 * see it: type, name, inputs, the mocked state, the parent's URN (read from the RegisterResource
 * request, which MockResourceArgs does not carry) and the provider reference. Mocked resources
 * get ARM-shaped ids in the subscription of the explicit provider they were registered with, so a
 * test can see which subscription a resource lands in.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";

/** Mocked inputs, states and outputs: JSON-like values the tests inspect ad hoc. */
export type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- mocked resource properties are inspected ad hoc

/** The parts of the SDK's RegisterResource / RegisterResourceOutputs requests the recorder reads. */
/** A protobuf Struct, as the SDK's deserializeProperties takes it. */
type Struct = Parameters<typeof pulumi.runtime.deserializeProperties>[0];

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getCustom(): boolean;
  getObject(): Struct;
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
}
interface RegisterResponse {
  getUrn(): string;
  getObject(): Struct;
}
interface OutputsRequest {
  getUrn(): string;
  getOutputs(): Struct | undefined;
}
type Callback<R> = (err: unknown, resp: R) => void;
/** The SDK's MockMonitor, as far as the recorder patches it. */
interface PatchableMonitor {
  resources: Map<string, { urn: string; id: string | null; state: unknown }>;
  registerResource(req: RegisterRequest, callback: Callback<RegisterResponse>): Promise<void>;
  registerResourceOutputs(req: OutputsRequest, callback: Callback<unknown>): void;
}

export const PROJECT = "asc-autoprovision";
export const STACK = "test";

export interface Recorded {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  readonly inputs: Props;
  readonly state: Props;
  readonly id: string | undefined;
  /** Parent URN ("" for a top-level resource). */
  readonly parent: string;
  /** Provider reference (`<urn>::<id>`), for custom resources with an explicit provider. */
  readonly provider: string | undefined;
  /** Subscription of that provider ("default" without one). */
  readonly subscription: string;
  /** URNs of the resources it waits for (dependsOn and the inputs' dependencies). */
  readonly dependencies: readonly string[];
  /** Inputs a later `pulumi up` leaves as they are (the resource option). */
  readonly ignoreChanges: readonly string[];
  /** What a component registered with registerOutputs (empty until then; custom resources: empty). */
  outputs: Props;
}

export interface Invocation {
  readonly token: string;
  readonly inputs: Props;
}

export interface MockRun {
  readonly resources: Recorded[];
  readonly invocations: Invocation[];
  /**
   * Waits until every registration and registerOutputs has reached the mock monitor; returns the
   * errors that failed any of them (the engine would fail the deployment with these).
   */
  settle(): Promise<Error[]>;
  ofType(type: string): Recorded[];
  named(name: string): Recorded;
  parentOf(r: Recorded): Recorded | undefined;
}

/** Deterministic GUID-shaped value for mocked principal and customer ids. */
export function fakeGuid(seed: string): string {
  const h = createHash("sha256").update(seed).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Where the mocked workspace lookup (getWorkspace) says every existing workspace is. */
export const LOOKED_UP_LOCATION = "westeurope";

function subscriptionOfProvider(provider: string | undefined): string {
  const m = provider ? /::provider-([^:]+)$/.exec(provider) : null;
  return m ? m[1]! : "default";
}

/** ARM id and extra state a real create would return, by type. */
function mockedResource(type: string, name: string, inputs: Props, subscription: string): { id: string | undefined; state: Props } {
  const sub = `/subscriptions/${subscription}`;
  const rg = (n: string) => `${sub}/resourceGroups/${n}`;
  switch (type) {
    case "pulumi:providers:azure-native":
      return { id: `provider-${inputs["subscriptionId"]}`, state: inputs };
    case "azure-native:resources:ResourceGroup":
      return { id: rg(inputs["resourceGroupName"]), state: { ...inputs, name: inputs["resourceGroupName"] } };
    case "azure-native:operationalinsights:Workspace": {
      const id = `${rg(inputs["resourceGroupName"])}/providers/Microsoft.OperationalInsights/workspaces/${inputs["workspaceName"]}`;
      return { id, state: { ...inputs, name: inputs["workspaceName"], customerId: fakeGuid(id) } };
    }
    case "azure-native:operationsmanagement:Solution":
      return { id: `${rg(inputs["resourceGroupName"])}/providers/Microsoft.OperationsManagement/solutions/${inputs["solutionName"]}`, state: { ...inputs, name: inputs["solutionName"] } };
    case "azure-native:operationalinsights:DataSource":
      return {
        id: `${rg(inputs["resourceGroupName"])}/providers/Microsoft.OperationalInsights/workspaces/${inputs["workspaceName"]}/dataSources/${inputs["dataSourceName"]}`,
        state: { ...inputs, name: inputs["dataSourceName"] },
      };
    case "azure-native:security:Pricing":
      return { id: `${inputs["scopeId"]}/providers/Microsoft.Security/pricings/${inputs["pricingName"]}`, state: { ...inputs, name: inputs["pricingName"] } };
    case "azure-native:security:WorkspaceSetting":
      return { id: `${sub}/providers/Microsoft.Security/workspaceSettings/${inputs["workspaceSettingName"]}`, state: { ...inputs, name: inputs["workspaceSettingName"] } };
    case "azure-native:authorization:PolicyAssignment": {
      const id = `${inputs["scope"]}/providers/Microsoft.Authorization/policyAssignments/${inputs["policyAssignmentName"]}`;
      return { id, state: { ...inputs, name: inputs["policyAssignmentName"], identity: { ...inputs["identity"], principalId: fakeGuid(id), tenantId: fakeGuid("tenant") } } };
    }
    case "azure-native:authorization:RoleAssignment":
      return { id: `${inputs["scope"]}/providers/Microsoft.Authorization/roleAssignments/${inputs["roleAssignmentName"]}`, state: { ...inputs, name: inputs["roleAssignmentName"] } };
    case "azure-native:monitor:DataCollectionRule":
      return { id: `${rg(inputs["resourceGroupName"])}/providers/Microsoft.Insights/dataCollectionRules/${inputs["dataCollectionRuleName"]}`, state: { ...inputs, name: inputs["dataCollectionRuleName"] } };
    case "azure-native:policyinsights:RemediationAtSubscription":
      return { id: `${sub}/providers/Microsoft.PolicyInsights/remediations/${inputs["remediationName"]}`, state: { ...inputs, name: inputs["remediationName"] } };
    default:
      return { id: `${name}-id`, state: inputs };
  }
}

/**
 * Installs fresh mocks (and, when given, the whole config map, keys as `namespace:key` and values
 * as the text Pulumi passes) and returns the recorder.
 */
export async function startMocks(options: { preview?: boolean; config?: Record<string, string> } = {}): Promise<MockRun> {
  pulumi.runtime.setAllConfig(options.config ?? {});
  const byUrn = new Map<string, Recorded>();
  const resources: Recorded[] = [];
  const invocations: Invocation[] = [];
  const pending = new Map<string, { parent: string; provider: string | undefined }>();

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const subscription = subscriptionOfProvider(args.provider);
        return args.custom ? mockedResource(args.type, args.name, args.inputs, subscription) : { id: undefined, state: {} };
      },
      call(args) {
        invocations.push({ token: args.token, inputs: args.inputs });
        if (args.token === "azure-native:operationalinsights:getWorkspace") {
          return { name: args.inputs["workspaceName"], location: LOOKED_UP_LOCATION, customerId: fakeGuid(args.inputs["workspaceName"]) };
        }
        throw new Error(`unexpected invoke ${args.token}`);
      },
    },
    PROJECT,
    STACK,
    options.preview ?? false,
  );

  // MockResourceArgs has no parent: read it from the request the SDK sends to the monitor.
  const monitor = pulumi.runtime.getMonitor() as unknown as PatchableMonitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const key = `${req.getType()}::${req.getName()}`;
    pending.set(key, { parent: req.getParent(), provider: req.getProvider() || undefined });
    return register(req, (err, resp) => {
      if (!err) {
        const urn: string = resp.getUrn();
        const entry = monitor.resources.get(urn);
        const meta = pending.get(key)!;
        const inputs = pulumi.runtime.deserializeProperties(req.getObject());
        const state = pulumi.runtime.deserializeProperties(resp.getObject());
        const rec: Recorded = {
          urn,
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          inputs,
          state,
          id: entry?.id ?? undefined,
          parent: meta.parent,
          provider: meta.provider,
          subscription: subscriptionOfProvider(meta.provider),
          dependencies: req.getDependenciesList(),
          ignoreChanges: req.getIgnorechangesList(),
          outputs: {},
        };
        resources.push(rec);
        byUrn.set(urn, rec);
      }
      callback(err, resp);
    });
  };

  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    const rec = byUrn.get(req.getUrn());
    const outputs = req.getOutputs();
    if (rec && outputs) rec.outputs = pulumi.runtime.deserializeProperties(outputs);
    registerOutputs(req, callback);
    // MockMonitor keeps the protobuf Struct as the state, which its own getResource (rehydration by
    // urn) then cannot serialize: keep the plain value, as it does for registrations.
    const entry = monitor.resources.get(req.getUrn());
    const state = entry?.state as { toJavaScript?: () => unknown } | undefined;
    if (entry && typeof state?.toJavaScript === "function") entry.state = state.toJavaScript();
  };

  const run: MockRun = {
    resources,
    invocations,
    async settle() {
      // The SDK's own RPC queue (what `pulumi up` waits for before exiting); a failed registration
      // rejects it, as it fails a deployment.
      // waitForRPCs is exported by the runtime's settings module but left out of its typings.
      const settings = (await import("@pulumi/pulumi/runtime/settings")) as unknown as { waitForRPCs(): Promise<void> };
      const errors = new Map<string, Error>();
      for (let i = 0; i < 3; i++) {
        try {
          await settings.waitForRPCs();
        } catch (err) {
          errors.set((err as Error).message, err as Error);
        }
        await new Promise((r) => setImmediate(r));
      }
      return [...errors.values()];
    },
    ofType: (type) => resources.filter((r) => r.type === type),
    named(name) {
      const found = resources.filter((r) => r.name === name);
      if (found.length !== 1) throw new Error(`expected one resource named ${name}, found ${found.length}: ${resources.map((r) => r.name).join(", ")}`);
      return found[0]!;
    },
    parentOf: (r) => byUrn.get(r.parent),
  };
  return run;
}

/** The value of an Output (for tests): resolves once known. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    (output as unknown as { promise(): Promise<T> }).promise().then(resolve, reject);
  });
}

/** Every key path in `value` whose name or string value smells of a workspace key. */
export function workspaceKeyLeaks(value: unknown, path = "$"): string[] {
  const KEY_NAMES = /sharedkey|primarysharedkey|secondarysharedkey|workspacekey/i;
  if (value === null || value === undefined) return [];
  if (typeof value === "string") return KEY_NAMES.test(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => workspaceKeyLeaks(v, `${path}[${i}]`));
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [
      ...(KEY_NAMES.test(k) ? [`${path}.${k}`] : []),
      ...workspaceKeyLeaks(v, `${path}.${k}`),
    ]);
  }
  return [];
}

/** The stack config map a `Pulumi.<stack>.yaml` document gives the program (values as Pulumi passes them). */
export function configFromStackFile(doc: { config?: Record<string, unknown> }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.config ?? {})) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}
