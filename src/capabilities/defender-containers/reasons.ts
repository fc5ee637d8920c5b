/** Defender for Containers on one cluster, one sentence per code, from the values given only. */

export const CONTAINER_REASONS = {
  "sensor-enabled": (kind: string) => (kind === "arc" ? "The Defender extension is installed on this Arc-enabled cluster." : "The Defender sensor is on (securityProfile.defender)."),
  "sensor-awaiting-defender": (kind: string) =>
    kind === "arc"
      ? "Defender installs its extension on Arc-enabled clusters itself with the plan and its sensor on (its policy 708b60a6, preview; it can take hours): this tool waits for it."
      : "Defender turns the sensor on (securityProfile.defender with its workspace) itself with the plan and its sensor on (its policy 64def556, about 30 minutes): this tool waits for it.",
  "sensor-remains": (kind: string, planOn: boolean) =>
    `${kind === "arc" ? "The Defender extension is still installed on this Arc-enabled cluster" : "The Defender sensor is still on (securityProfile.defender)"} although the spec turns it off (${planOn ? "containers.sensor false" : "containers.enabled false"}): turning it off removes nothing, and this tool leaves it as it is.`,
  "sensor-off": (planOn: boolean) => (planOn ? "The Defender sensor is off in the spec (containers.sensor false)." : "Defender for Containers is off (containers.enabled false): no sensor."),
  "addon-enabled": () => "The Azure Policy add-on is enabled.",
  "addon-remains": () => "The Azure Policy add-on is still enabled although the spec does not ask for it (containers.azurePolicy false): this tool does not disable it.",
  "addon-enable": () => "The Azure Policy add-on is not enabled and no policy assignment deploys it: this tool enables it (addonProfiles.azurepolicy).",
  "addon-by-policy": (owner: string) => `The Azure Policy add-on is deployed by a policy assignment of ${owner}: this tool leaves it to that assignment (its remediation covers existing clusters).`,
  "addon-arc": (owner: string) =>
    `On Arc-enabled clusters the Azure Policy extension is deployed by policy: an assignment of 0adc5395 by ${owner} applies here; this tool does not install Kubernetes extensions.`,
  "addon-arc-unassigned": () =>
    "On Arc-enabled clusters only a policy assignment of 0adc5395 (Configure Arc-enabled Kubernetes clusters to install the Azure Policy extension) deploys the Azure Policy extension, and none applies to this subscription; this tool does not install Kubernetes extensions, so nothing deploys it here.",
  "addon-excluded": (group: string) => `Its resource group is in the spec's exclude.resourceGroups (${group}): left as it is, and the add-on's policy assignment leaves the group out.`,
  "addon-off": () => "The spec does not ask for the Azure Policy add-on (containers.azurePolicy false): left as it is.",
} as const;

export const SENSOR_DECISIONS = {
  "sensor-enabled": "the Defender sensor is on",
  "sensor-awaiting-defender": "Defender turns the sensor on itself: the tool waits",
  "sensor-remains": "the plan or its sensor is off in the spec; the sensor stays on",
  "sensor-off": "the plan or its sensor is off",
} as const;
export type SensorDecision = keyof typeof SENSOR_DECISIONS;

export const ADDON_DECISIONS = {
  "addon-enabled": "the Azure Policy add-on is enabled",
  "addon-remains": "not asked for; the add-on stays enabled",
  "addon-enable": "the tool enables the Azure Policy add-on",
  "addon-by-policy": "a policy assignment deploys the add-on",
  "addon-arc": "Arc-enabled cluster: an assignment of 0adc5395 deploys the extension",
  "addon-arc-unassigned": "Arc-enabled cluster: no assignment of 0adc5395 applies, nothing deploys the extension",
  "addon-excluded": "its resource group is excluded by the spec",
  "addon-off": "not asked for",
} as const;
export type AddonDecision = keyof typeof ADDON_DECISIONS;
