/**
 * Defender for Endpoint on one machine, one sentence per code, from the values given only.
 * Defender deploys MDE itself once the plan and the integration are on (reference §3): the
 * sentences say so, and what this tool does about it (it waits; it never installs MDE).
 */

/** Why MDE cannot reach a machine. */
export type NotPossible = "generalized" | "unsupported-os" | "linux-failed";
/** Why the integration does not cover a machine. */
export type EndpointOff = "plan-off" | "integration-off" | "linux-off" | "unified-off";
/** Why Defender does not manage MDE on a machine: the integration's reasons, or its resource-level plan Free (`override`: whose). */
export type EndpointOffFacts = { readonly why: EndpointOff } | { readonly why: "excluded"; readonly override: string };

const NOT_POSSIBLE: Readonly<Record<NotPossible, (os: string) => string>> = {
  generalized: () => "It is a generalized image: Defender does not provision machines from generalized images, so MDE never arrives; install it with your own onboarding package if the machine needs it.",
  "unsupported-os": (os) => `${os} is not supported by Defender for Endpoint (Windows Server 2012 R2 and later): MDE cannot be deployed here.`,
  "linux-failed": () =>
    "Defender's MDE.Linux deployment failed. On Linux it needs Python (Python 3 on RHEL 8.x and Ubuntu 20.04 or later), and machines running fanotify-based services need a manual install: fix the machine, then Defender tries again.",
};

const OFF: Readonly<Record<EndpointOff, string>> = {
  "plan-off": "Defender for Servers is off for this machine (Free), so Defender deploys no Defender for Endpoint sensor.",
  "integration-off": "The Defender for Endpoint integration is off (endpointProtection.enabled false): nothing is deployed.",
  "linux-off": "The integration is off for Linux (endpointProtection.linux false, setting WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW on): nothing is deployed to Linux machines.",
  "unified-off": "Windows Server 2012 R2 and 2016 need the unified solution, which is off (endpointProtection.unifiedSolution false): Defender does not deploy the sensor here.",
};

/** The same reasons, said of a machine that keeps the extension. */
const STILL_INSTALLED: Readonly<Record<EndpointOff, string>> = {
  "plan-off": "Defender for Servers is off for this machine (Free)",
  "integration-off": "The Defender for Endpoint integration is off (endpointProtection.enabled false)",
  "linux-off": "The integration is off for Linux (endpointProtection.linux false)",
  "unified-off": "The unified solution is off (endpointProtection.unifiedSolution false)",
};

export const ENDPOINT_REASONS = {
  installed: (type: string, autoUpdateOff: boolean) =>
    `${type} is installed and provisioned; Defender keeps it${autoUpdateOff ? " (the tag ExcludeMdeAutoUpdate=true turns its automatic updates off: update it yourself)" : " up to date"}.`,
  failed: (type: string) => `Defender's ${type} deployment failed on this machine; Defender retries it, and this tool does not install it a second time.`,
  "onboarded-otherwise": (os: string) =>
    os === "Linux"
      ? "Defender for Endpoint is onboarded without the MDE.Linux extension: Defender detects the installation and reconfigures it to report to Defender for Cloud."
      : "Defender for Endpoint is onboarded without the MDE.Windows extension (another tool): it already protects the machine; Defender adds its extension and leaves the sensor as it is.",
  "awaiting-defender": (type: string, slow: boolean) =>
    `Defender deploys ${type} itself now that the plan and the integration are on (within an hour${slow ? "; up to 12 hours for a tenant's first subscription, the unified solution or a newly enabled Linux integration" : ""}): this tool waits for it and never installs it.`,
  "not-eligible": (why: string, never: boolean) =>
    never
      ? `Defender for Endpoint never reaches this machine: ${why}, so Defender never deploys it here.`
      : `Not running Defender for Endpoint yet: ${why}; Defender deploys it once the machine runs with a VM agent.`,
  "not-possible": (why: NotPossible, os: string) => NOT_POSSIBLE[why](os),
  excluded: (override: string) => `Its resource-level plan is Free (${override}): Defender does not deploy Defender for Endpoint here.`,
  off: (why: EndpointOff) => OFF[why],
  remains: (type: string, why: EndpointOff | "excluded", override: string | null) =>
    `${why === "excluded" ? `Its resource-level plan is Free (${override ?? ""})` : STILL_INSTALLED[why]}, but ${type} stays installed and its sensor keeps running: turning the plan or the integration off does not remove it, nor does this tool (remove the extension and offboard the machine from Defender for Endpoint to take it off).`,
} as const;

export const ENDPOINT_DECISIONS = {
  "mde-installed": "the MDE extension is installed and provisioned",
  "mde-onboarded-otherwise": "onboarded to Defender for Endpoint without the extension",
  "mde-awaiting-defender": "Defender deploys MDE itself: the tool waits",
  "mde-failed": "Defender's MDE deployment failed; Defender retries",
  "mde-not-eligible": "not running, no VM agent, or an appliance",
  "mde-not-possible": "MDE cannot be deployed (generalized image, unsupported OS, Linux without Python)",
  "mde-excluded": "resource-level plan Free: no Defender for Endpoint",
  "mde-off": "the plan or the integration is off",
  "mde-remains": "the plan or the integration is off; the MDE extension stays installed",
} as const;
export type EndpointDecision = keyof typeof ENDPOINT_DECISIONS;
