/** The Guest Configuration agent on one machine, one sentence per code, from the values given only. */

export const GC_REASONS = {
  installed: (name: string) => `The Guest Configuration extension (${name}) is installed with the system-assigned identity it signs in with.`,
  install: (name: string, identity: boolean, failed: boolean) =>
    `${failed ? "The Guest Configuration extension failed" : "No Guest Configuration extension"}: ${identity ? "the system-assigned identity it needs is enabled, then " : ""}${name} is installed by this tool (the name the built-in policy uses, so the two never install it twice).`,
  "enable-identity": (name: string) => `${name} is installed but the machine has no system-assigned identity, which Guest Configuration signs in with: the identity is enabled.`,
  builtin: () => "Arc-enabled servers run Guest Configuration inside the Connected Machine agent: nothing to install.",
  "not-applicable": () => "Scale sets are outside the Guest Configuration prerequisites, which cover virtual machines: nothing is installed.",
  "not-eligible": (why: string, never: boolean) => (never ? `Guest Configuration is not installed, and never will be here: ${why}.` : `Guest Configuration is not installed yet: ${why}.`),
  "name-taken": (name: string, handler: string) =>
    `Guest Configuration is not installed: its policies require the extension name ${name}, which a ${handler} extension holds, and Azure never changes an extension's handler. Remove or rename that extension.`,
} as const;

export const GC_DECISIONS = {
  "gc-installed": "the extension and the system-assigned identity are in place",
  "gc-install": "the tool installs the extension (and the identity it needs)",
  "gc-enable-identity": "the tool enables the system-assigned identity the extension needs",
  "gc-builtin": "Arc-enabled server: built into the Connected Machine agent",
  "gc-not-applicable": "scale set: not covered by the prerequisites",
  "gc-not-eligible": "not running, no VM agent, or an appliance",
  "gc-name-taken": "another extension holds the name the extension must have: not installed",
} as const;
export type GcDecision = keyof typeof GC_DECISIONS;
