/**
 * The spec's `defender` section: Defender for Cloud's plans and the components they deploy, in
 * the portal's words ("Environment settings" → "Defender plans" → "Settings & monitoring"). The
 * same shape is the Pulumi stack config's `asc-autoprovision:defender` and the CDKTF props'
 * `spec.defender`. Absent, nothing of it is planned and the seed's behaviour is unchanged.
 *
 * Defaults are the portal's for a plan that is on: with Defender for Servers P1 or P2, endpoint
 * protection and Defender Vulnerability Management are on; with P2, agentless scanning too; file
 * integrity monitoring, direct onboarding and Guest Configuration are off. With Defender for
 * Containers on, each of its components is on. `resolveServers` and `resolveContainers` give the
 * effective values; `defenderIssues` refuses the combinations Azure refuses or that contradict
 * each other, naming the field and the allowed values.
 */
import { z } from "zod";
import { OWN_MESSAGE, closedObject, type ValidationIssue } from "./errors";
import { DEPRECATED_PLANS, OTHER_PLAN_NAMES, PLAN_EXTENSIONS, RESOURCE_LEVEL_PLANS, SUB_PLANS, type PlanName, type ResourceLevelPlan } from "./defender";
import { GUID_PATTERN, MACHINE_ID_PATTERN, WORKSPACE_ID_PATTERN } from "./patterns";

export const SERVER_PLANS = ["Off", "P1", "P2"] as const;
export type ServerPlan = (typeof SERVER_PLANS)[number];
export const VULNERABILITY_ASSESSMENT_PROVIDERS = ["mdeTvm", "none"] as const;
export type VulnerabilityAssessmentProvider = (typeof VULNERABILITY_ASSESSMENT_PROVIDERS)[number];

const tags = z.record(z.string().min(1), z.string());

const workspaceRef = closedObject({
  id: z
    .string()
    .regex(WORKSPACE_ID_PATTERN, { error: "must be the ARM id of a Log Analytics workspace (/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.OperationalInsights/workspaces/<name>)" })
    .describe("ARM id of the Log Analytics workspace."),
});

const monitoredPaths = z.array(z.string().min(1).max(260)).max(200).default([]);

const overrideSchema = closedObject({
  tag: tags.optional().describe("Machines carrying this tag: `{ <name>: <value> }` (exactly one pair)."),
  id: z
    .string()
    .regex(MACHINE_ID_PATTERN, { error: "must be the ARM id of a virtual machine, scale set or Arc-enabled server" })
    .optional()
    .describe("One machine, by ARM id."),
  plan: z.enum(RESOURCE_LEVEL_PLANS).describe("The machine's own plan: `P1` or `Free` (resource-level pricing allows nothing else)."),
}).describe("A resource-level plan for chosen machines, by tag or by id (one of them).");

const serversFields = closedObject({
  plan: z.enum(SERVER_PLANS).describe("Defender for Servers: `Off` (pricing Free), `P1` or `P2` (pricing Standard with that sub-plan)."),
  enforce: z.boolean().default(false).describe("Push the subscription's plan down over resource-level plans (`enforce: True`); resource-level overrides are then refused."),
  agentlessScanning: closedObject({
    enabled: z.boolean().optional().describe("Agentless machine scanning (P2; default on with P2)."),
    exclusionTags: tags.default({}).describe("Machines with any of these tags are not scanned: `{ <name>: <value> }`."),
  })
    .optional()
    .describe("Agentless scanning of the machines' disks (pricing extension `AgentlessVmScanning`). An object, not a boolean: `{ enabled: true }`."),
  endpointProtection: closedObject({
    enabled: z.boolean().optional().describe("The Defender for Endpoint integration (setting `WDATP`; default on with P1 or P2)."),
    unifiedSolution: z.boolean().default(true).describe("The unified solution for Windows Server 2012 R2 and 2016 (setting `WDATP_UNIFIED_SOLUTION`, older subscriptions)."),
    linux: z.boolean().default(true).describe("Linux machines too (setting `WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW` off)."),
  })
    .optional()
    .describe("Endpoint protection: Defender for Endpoint, which Defender deploys itself (`MDE.Windows` / `MDE.Linux`). An object, not a boolean: `{ enabled: true }`."),
  vulnerabilityAssessment: z
    .enum(VULNERABILITY_ASSESSMENT_PROVIDERS)
    .optional()
    .describe("Vulnerability assessment: `mdeTvm` (Defender Vulnerability Management; default with P1 or P2) or `none`."),
  fileIntegrityMonitoring: closedObject({
    enabled: z.boolean().default(false).describe("File integrity monitoring (P2; pricing extension `FileIntegrityMonitoring`)."),
    workspace: workspaceRef.optional().describe("The workspace its data goes to (required when enabled)."),
    monitoredEntities: closedObject({
      windowsFiles: monitoredPaths.describe("Windows files and folders, e.g. `\\Windows\\win.ini`."),
      linuxFiles: monitoredPaths.describe("Linux files and folders, e.g. `/etc/*.conf`."),
      windowsRegistry: monitoredPaths.describe("Windows registry keys, e.g. `hklm\\SOFTWARE\\Microsoft\\Cryptography\\OID\\`."),
    })
      .optional()
      .describe("What it watches (the extension's `Rules`). Default: the portal's \"Recommended to monitor\" files and registry keys; given, it replaces them."),
  })
    .optional()
    .describe("File integrity monitoring with its workspace. An object, not a boolean: `{ enabled: true, workspace: { id } }`."),
  directOnboarding: closedObject({
    subscription: z.string().regex(GUID_PATTERN, { error: "must be a subscription GUID" }).describe("The designated subscription: one of the spec's subscriptions."),
  })
    .optional()
    .describe("Direct onboarding: servers onboarded to Defender for Endpoint outside Azure appear under this subscription (pricing extension `MdeDesignatedSubscription`)."),
  guestConfiguration: z.boolean().default(false).describe("The Guest Configuration agent on virtual machines (a system-assigned identity and the extension), installed by this tool."),
  overrides: z.array(overrideSchema).default([]).describe("Resource-level plans for chosen machines (`P1` or `Free`)."),
});

// The rules between a section's fields run with the schema (its own fields parsed), so they are
// reported with every other section's problems in one error.
export const serversSchema = serversFields
  .superRefine(refineWith(serversIssues))
  .describe("Defender for Servers (pricing `VirtualMachines`) and the components it deploys.");

const containersFields = closedObject({
  enabled: z.boolean().describe("Defender for Containers on (pricing `Containers` Standard) or off."),
  sensor: z.boolean().optional().describe("The Defender sensor on AKS (`securityProfile.defender`) and Arc-enabled Kubernetes, which Defender deploys itself (extension `ContainerSensor`)."),
  azurePolicy: z.boolean().optional().describe("The Azure Policy add-on on AKS clusters, enabled by this tool where no policy assignment deploys it."),
  agentlessDiscovery: z.boolean().optional().describe("Agentless discovery for Kubernetes (extension `AgentlessDiscoveryForKubernetes`)."),
  registryVulnerabilityAssessment: z.boolean().optional().describe("Vulnerability assessment of registry images (extension `ContainerRegistriesVulnerabilityAssessments`)."),
});

export const containersSchema = containersFields
  .superRefine(refineWith(containersIssues))
  .describe("Defender for Containers (pricing `Containers`) and its components; each defaults to `enabled`.");

/** The properties an extension of another plan may carry, each for one extension only (PLAN_EXTENSION_PROPERTIES). */
const planExtensionSchema = closedObject({
  enabled: z.boolean().describe("The extension on (`isEnabled: True`) or off."),
  exclusionTags: tags.optional().describe("`AgentlessVmScanning` only: machines with any of these tags are not scanned: `{ <name>: <value> }` (`ExclusionTags`)."),
  capGBPerMonthPerStorageAccount: z
    .number()
    .int()
    .min(-1)
    .optional()
    .describe("`OnUploadMalwareScanning` only: the most it scans per storage account and month, in GB, billed per GB scanned; -1 for no cap (`CapGBPerMonthPerStorageAccount`)."),
}).describe("One extension of the plan: `{ enabled }`, with the extension's own settings.");

/** The extensions `defender.plans` may name, per plan (Servers' and Containers' are their sections' fields). */
const OTHER_PLAN_EXTENSIONS = Object.entries(PLAN_EXTENSIONS).filter(([p]) => (OTHER_PLAN_NAMES as readonly string[]).includes(p));

/** Which extension each property belongs to (the others refuse it). */
const PLAN_EXTENSION_PROPERTIES: Readonly<Record<"exclusionTags" | "capGBPerMonthPerStorageAccount", string>> = {
  exclusionTags: "AgentlessVmScanning",
  capGBPerMonthPerStorageAccount: "OnUploadMalwareScanning",
};

const otherPlanSchema = closedObject({
  enabled: z.boolean().describe("Pricing Standard (on) or Free (off)."),
  subPlan: z.string().min(1).optional().describe("The plan's sub-plan, for the plans that have them (deprecated ones are refused)."),
  extensions: z
    .record(z.string(), planExtensionSchema)
    .optional()
    .describe(
      `The plan's extensions by pricing name, each \`{ enabled, ...settings }\`; one not named keeps what it has (${OTHER_PLAN_EXTENSIONS.map(([p, names]) => `${p}: ${names!.join(", ")}`).join("; ")}).`,
    ),
});
const otherPlans = z.record(z.string(), otherPlanSchema);

export const defenderSchema = closedObject({
  servers: serversSchema.optional(),
  containers: containersSchema.optional(),
  plans: otherPlans
    .superRefine(refineWith(otherPlanIssues))
    .optional()
    .describe(`Other Defender plans by pricing name (${OTHER_PLAN_NAMES.join(", ")}): \`{ enabled, subPlan?, extensions? }\`.`),
}).describe("Defender for Cloud's plans and the components they deploy (the portal's \"Defender plans\" and \"Settings & monitoring\"). Absent: not managed.");

export type DefenderSpec = z.output<typeof defenderSchema>;
export type ServersSpec = z.output<typeof serversFields>;
export type ContainersSpec = z.output<typeof containersFields>;
type OtherPlansSpec = z.output<typeof otherPlans>;

/** An override as the planner applies it. */
export interface ResolvedOverride {
  readonly index: number;
  readonly tag?: { readonly name: string; readonly value: string };
  readonly id?: string;
  readonly plan: ResourceLevelPlan;
}

/** Defender for Servers with every default filled. */
export interface ResolvedServers {
  readonly plan: ServerPlan;
  readonly enforce: boolean;
  readonly agentlessScanning: boolean;
  readonly exclusionTags: Readonly<Record<string, string>>;
  readonly endpointProtection: boolean;
  readonly unifiedSolution: boolean;
  readonly linux: boolean;
  readonly vulnerabilityAssessment: VulnerabilityAssessmentProvider;
  readonly fileIntegrityMonitoring: boolean;
  /** Lower-case ARM id; set when FIM is on. */
  readonly fileIntegrityWorkspace: string | null;
  /** What FIM watches when the spec says; null: the recommended items. */
  readonly fileIntegrityEntities: { readonly windowsFiles: readonly string[]; readonly linuxFiles: readonly string[]; readonly windowsRegistry: readonly string[] } | null;
  /** Lower-case GUID of the designated subscription, or null. */
  readonly designatedSubscription: string | null;
  readonly guestConfiguration: boolean;
  readonly overrides: readonly ResolvedOverride[];
}

export interface ResolvedContainers {
  readonly enabled: boolean;
  readonly sensor: boolean;
  readonly azurePolicy: boolean;
  readonly agentlessDiscovery: boolean;
  readonly registryVulnerabilityAssessment: boolean;
}

const resolvedServers = new WeakMap<ServersSpec, ResolvedServers>();

/** The spec's Defender for Servers with its defaults, or undefined when the spec does not manage it. */
export function resolveServers(defender: DefenderSpec | undefined): ResolvedServers | undefined {
  const s = defender?.servers;
  if (!s) return undefined;
  let r = resolvedServers.get(s);
  if (!r) {
    const on = s.plan !== "Off";
    const endpoint = s.endpointProtection?.enabled ?? on;
    r = Object.freeze({
      plan: s.plan,
      enforce: s.enforce,
      agentlessScanning: s.agentlessScanning?.enabled ?? s.plan === "P2",
      exclusionTags: s.agentlessScanning?.exclusionTags ?? {},
      endpointProtection: endpoint,
      unifiedSolution: s.endpointProtection?.unifiedSolution ?? true,
      linux: s.endpointProtection?.linux ?? true,
      vulnerabilityAssessment: s.vulnerabilityAssessment ?? (on && endpoint ? "mdeTvm" : "none"),
      fileIntegrityMonitoring: s.fileIntegrityMonitoring?.enabled ?? false,
      fileIntegrityWorkspace: s.fileIntegrityMonitoring?.enabled ? (s.fileIntegrityMonitoring.workspace?.id.toLowerCase() ?? null) : null,
      fileIntegrityEntities: s.fileIntegrityMonitoring?.monitoredEntities ?? null,
      designatedSubscription: s.directOnboarding?.subscription.toLowerCase() ?? null,
      guestConfiguration: s.guestConfiguration,
      overrides: s.overrides.map((o, index): ResolvedOverride => {
        const [name, value] = Object.entries(o.tag ?? {})[0] ?? [];
        return { index, plan: o.plan, ...(name !== undefined ? { tag: { name, value: value ?? "" } } : {}), ...(o.id ? { id: o.id.toLowerCase() } : {}) };
      }),
    });
    resolvedServers.set(s, r);
  }
  return r;
}

/** The spec's Defender for Containers with its defaults, or undefined when the spec does not manage it. */
export function resolveContainers(defender: DefenderSpec | undefined): ResolvedContainers | undefined {
  const c = defender?.containers;
  if (!c) return undefined;
  return {
    enabled: c.enabled,
    sensor: c.sensor ?? c.enabled,
    azurePolicy: c.azurePolicy ?? c.enabled,
    agentlessDiscovery: c.agentlessDiscovery ?? c.enabled,
    registryVulnerabilityAssessment: c.registryVulnerabilityAssessment ?? c.enabled,
  };
}

/** The plan a resolved servers section puts on the subscription's VirtualMachines pricing. */
export function serversPricing(s: ResolvedServers): { readonly pricingTier: "Standard" | "Free"; readonly subPlan: "P1" | "P2" | null } {
  return s.plan === "Off" ? { pricingTier: "Free", subPlan: null } : { pricingTier: "Standard", subPlan: s.plan };
}

/** What the fields naming a subscription are checked against. */
export interface DefenderScope {
  /** Lower-case subscription ids: the spec's listed ones, or its resolved scope. */
  readonly subscriptions: readonly string[];
  /** How the message names them (default: "the spec's subscriptions (<ids>)"). */
  readonly described?: string;
  /**
   * Management groups not resolved yet (parsing a spec): a subscription outside the listed ones may
   * be under them, so only an excluded one is refused; resolveSubscriptions checks the rest.
   */
  readonly unresolvedGroups?: boolean;
  /** Lower-case excluded subscription ids. */
  readonly excluded?: readonly string[];
}

/** `directOnboarding.subscription` and each override's `id`, checked against `scope` (the spec's subscriptions, or its resolved scope). */
export function defenderScopeIssues(defender: DefenderSpec | undefined, scope: DefenderScope): ValidationIssue[] {
  const s = defender?.servers;
  if (!s) return [];
  const out: ValidationIssue[] = [];
  const at = (field: string) => `defender.servers.${field}`;
  const excluded = new Set(scope.excluded ?? []);
  const inScope = new Set(scope.subscriptions);
  const described = scope.described ?? `the spec's subscriptions (${scope.subscriptions.join(", ")})`;
  // A field outside the scope: refused when the scope is known, or when the subscription is excluded.
  const outside = (sub: string | undefined): "excluded" | "outside" | undefined => {
    if (sub === undefined || inScope.has(sub)) return undefined;
    if (excluded.has(sub)) return "excluded";
    return scope.unresolvedGroups ? undefined : "outside";
  };
  const onboarding = s.directOnboarding?.subscription;
  const onboardingIs = outside(onboarding?.toLowerCase());
  if (onboardingIs === "excluded") out.push({ path: at("directOnboarding.subscription"), message: `"${onboarding}" is in exclude.subscriptions` });
  else if (onboardingIs) out.push({ path: at("directOnboarding.subscription"), message: `"${onboarding}" is not one of ${described}` });
  s.overrides.forEach((o, i) => {
    const is = outside(o.id === undefined ? undefined : /^\/subscriptions\/([^/]+)\//i.exec(o.id)?.[1]?.toLowerCase() ?? "");
    const path = at(`overrides[${i}].id`);
    if (is === "excluded") out.push({ path, message: "is in a subscription of exclude.subscriptions" });
    else if (is) out.push({ path, message: scope.described ? `is not in one of ${described}` : "is not in one of the spec's subscriptions" });
  });
  return out;
}

/**
 * The combinations of `defender.servers` that Azure refuses or that contradict each other, each
 * naming the field to change (paths relative to the section).
 */
function serversIssues(s: ServersSpec): SectionIssue[] {
  const out: SectionIssue[] = [];
  const at = (field: string) => field;
  const needsPlan = (field: string, what: string, plans: readonly ServerPlan[]) =>
    out.push({ path: at(field), message: `${what} needs Defender for Servers ${plans.join(" or ")}; servers.plan is ${s.plan} (allowed: ${plans.join(", ")})` });
  if (s.agentlessScanning?.enabled === true && s.plan !== "P2") needsPlan("agentlessScanning.enabled", "agentless scanning", ["P2"]);
  if (s.fileIntegrityMonitoring?.enabled === true) {
    if (s.plan !== "P2") needsPlan("fileIntegrityMonitoring.enabled", "file integrity monitoring", ["P2"]);
    if (!s.fileIntegrityMonitoring.workspace) out.push({ path: at("fileIntegrityMonitoring.workspace"), message: "is required when file integrity monitoring is enabled: { id: <workspace ARM id> }" });
    const m = s.fileIntegrityMonitoring.monitoredEntities;
    if (m && m.windowsFiles.length + m.linuxFiles.length + m.windowsRegistry.length === 0) {
      out.push({ path: at("fileIntegrityMonitoring.monitoredEntities"), message: "watches nothing: name at least one path in windowsFiles, linuxFiles or windowsRegistry, or leave it out for the recommended items" });
    }
  }
  if (s.plan === "Off") {
    if (s.endpointProtection?.enabled === true) needsPlan("endpointProtection.enabled", "endpoint protection", ["P1", "P2"]);
    if (s.vulnerabilityAssessment === "mdeTvm") needsPlan("vulnerabilityAssessment", "Defender Vulnerability Management", ["P1", "P2"]);
    if (s.directOnboarding) needsPlan("directOnboarding", "direct onboarding", ["P1", "P2"]);
  } else if (s.vulnerabilityAssessment === "mdeTvm" && s.endpointProtection?.enabled === false) {
    out.push({
      path: at("vulnerabilityAssessment"),
      message: '"mdeTvm" runs in Defender for Endpoint, which endpointProtection.enabled turns off: enable endpoint protection or choose "none" (allowed: mdeTvm, none)',
    });
  }
  s.overrides.forEach((o, i) => {
    const path = at(`overrides[${i}]`);
    const keys = Object.keys(o.tag ?? {});
    if ((o.tag === undefined) === (o.id === undefined)) out.push({ path, message: "needs exactly one of tag or id" });
    else if (o.tag !== undefined && keys.length !== 1) out.push({ path: `${path}.tag`, message: `must name exactly one tag { <name>: <value> }, not ${keys.length}` });
  });
  if (s.enforce && s.overrides.length > 0) {
    out.push({ path: at("enforce"), message: "true forces the subscription's plan on every machine, so the resource-level overrides could never apply: remove them or set enforce to false" });
  }
  return out;
}

function containersIssues(c: ContainersSpec): SectionIssue[] {
  if (c.enabled) return [];
  const out: SectionIssue[] = [];
  for (const field of ["sensor", "azurePolicy", "agentlessDiscovery", "registryVulnerabilityAssessment"] as const) {
    if (c[field] === true) out.push({ path: field, message: "needs Defender for Containers: containers.enabled is false (allowed: true with enabled, or false)" });
  }
  return out;
}

function otherPlanIssues(plans: OtherPlansSpec): SectionIssue[] {
  const out: SectionIssue[] = [];
  for (const [name, p] of Object.entries(plans)) {
    // Segments, not a dotted string: a misspelt plan name may hold a dot.
    const path = [name];
    if (name === "VirtualMachines" || name === "Containers") {
      out.push({ path, message: `is set in defender.${name === "VirtualMachines" ? "servers" : "containers"}` });
      continue;
    }
    if (!(OTHER_PLAN_NAMES as readonly string[]).includes(name)) {
      out.push({ path, message: `is not a Defender plan (allowed: ${OTHER_PLAN_NAMES.join(", ")})` });
      continue;
    }
    const replacedBy = DEPRECATED_PLANS[name as PlanName];
    if (replacedBy && p.enabled) {
      out.push({ path: [name, "enabled"], message: `${name} is deprecated, replaced by ${replacedBy}: enable defender.containers instead (allowed here: false, to turn the old plan off)` });
      continue;
    }
    out.push(...planExtensionIssues(name as PlanName, p));
    const subPlans = SUB_PLANS[name as PlanName];
    if (p.subPlan === undefined) continue;
    if (!subPlans) out.push({ path: [name, "subPlan"], message: `${name} has no sub-plans` });
    else if (subPlans.deprecated[p.subPlan]) {
      out.push({ path: [name, "subPlan"], message: `"${p.subPlan}" is deprecated and Azure refuses it (InvalidInputError): use "${subPlans.deprecated[p.subPlan]}" (allowed: ${subPlans.current.join(", ")})` });
    } else if (!subPlans.current.includes(p.subPlan)) {
      out.push({ path: [name, "subPlan"], message: `"${p.subPlan}" is not one of ${subPlans.current.join(", ")}` });
    } else if (!p.enabled) out.push({ path: [name, "subPlan"], message: "applies only to a plan that is enabled" });
  }
  return out;
}

/** `defender.plans.<plan>.extensions`: names the plan has, each property on its own extension, only on a plan that is on. */
function planExtensionIssues(plan: PlanName, p: OtherPlansSpec[string]): SectionIssue[] {
  if (!p.extensions) return [];
  const allowed = PLAN_EXTENSIONS[plan] ?? [];
  const at = [plan, "extensions"];
  if (!allowed.length) return [{ path: at, message: `${plan} has no extensions (plans with extensions here: ${OTHER_PLAN_EXTENSIONS.map(([name]) => name).join(", ")})` }];
  const out: SectionIssue[] = [];
  for (const [name, ext] of Object.entries(p.extensions)) {
    if (!allowed.includes(name)) {
      out.push({ path: [...at, name], message: `is not an extension of ${plan} (allowed: ${allowed.join(", ")})` });
      continue;
    }
    if (!p.enabled) out.push({ path: [...at, name], message: `applies only to a plan that is enabled: ${plan}.enabled is false` });
    const own = ["enabled", ...Object.entries(PLAN_EXTENSION_PROPERTIES).flatMap(([key, owner]) => (owner === name ? [key] : []))];
    for (const [key, owner] of Object.entries(PLAN_EXTENSION_PROPERTIES)) {
      if (ext[key as keyof typeof PLAN_EXTENSION_PROPERTIES] === undefined) continue;
      if (owner !== name) out.push({ path: [...at, name, key], message: `is a setting of ${owner}, not of ${name} (allowed here: ${own.join(", ")})` });
      else if (!ext.enabled) out.push({ path: [...at, name, key], message: `applies only when the extension is enabled: ${name}.enabled is false` });
    }
    if (ext.capGBPerMonthPerStorageAccount === 0) out.push({ path: [...at, name, "capGBPerMonthPerStorageAccount"], message: "must be a number of GB above 0, or -1 for no cap" });
  }
  return out;
}

/** An issue of one section, its path relative to the section: a dotted string, or segments. */
interface SectionIssue {
  readonly path: string | readonly (string | number)[];
  readonly message: string;
}

/** A zod refinement reporting `check`'s issues under the section's path (issuesFromZod passes their messages through). */
function refineWith<T>(check: (value: T) => SectionIssue[]) {
  return (value: T, ctx: z.core.$RefinementCtx<T>): void => {
    for (const issue of check(value)) ctx.addIssue({ code: "custom", message: issue.message, path: [...pathSegments(issue.path)], params: { [OWN_MESSAGE]: true } });
  };
}

/** `overrides[0].tag` → ["overrides", 0, "tag"]. */
function pathSegments(path: SectionIssue["path"]): readonly (string | number)[] {
  if (typeof path !== "string") return path;
  return path.split(".").flatMap((part) => part.split(/\[(\d+)\]/).filter((p) => p !== "").map((p) => (/^\d+$/.test(p) ? Number(p) : p)));
}

/**
 * One source of truth for Defender for Servers: with `defender.servers`, its plan decides what
 * `logAnalyticsAgent.defender` meant (pricing Standard and the Security solution). Both given
 * and contradicting: refused; only the new section: the old switch follows it.
 */
export function legacyDefenderSwitchIssues(input: unknown, servers: ServersSpec | undefined): ValidationIssue[] {
  if (!servers) return [];
  const la = isRecord(input) ? input["logAnalyticsAgent"] : undefined;
  const given = isRecord(la) ? la["defender"] : undefined;
  if (typeof given !== "boolean") return [];
  const on = servers.plan !== "Off";
  if (given === on) return [];
  return [
    {
      path: "logAnalyticsAgent.defender",
      message: `${given} contradicts defender.servers.plan "${servers.plan}": defender.servers is the one source of truth, so remove logAnalyticsAgent.defender (or set the plan to ${given ? "P1 or P2" : "Off"})`,
    },
  ];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
