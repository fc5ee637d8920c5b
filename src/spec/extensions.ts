/**
 * Agent extensions: publisher, type and the current typeHandlerVersion Security Center deploys
 * (reference/azure-facts.md §2.6). An installed extension older than `version` is upgraded.
 */

export type OsType = "Windows" | "Linux";

export interface ExtensionKind {
  readonly publisher: string;
  readonly type: string;
  /** Current version (major.minor) as the current built-in policies deploy it. */
  readonly version: string;
  /** Extension resource name used when we install it. */
  readonly name: string;
}

export const LOG_ANALYTICS_AGENT: Readonly<Record<OsType, ExtensionKind>> = Object.freeze({
  Windows: { publisher: "Microsoft.EnterpriseCloud.Monitoring", type: "MicrosoftMonitoringAgent", version: "1.0", name: "MicrosoftMonitoringAgent" },
  Linux: { publisher: "Microsoft.EnterpriseCloud.Monitoring", type: "OmsAgentForLinux", version: "1.13", name: "OMSAgentForLinux" },
});

export const DEPENDENCY_AGENT: Readonly<Record<OsType, ExtensionKind>> = Object.freeze({
  Windows: { publisher: "Microsoft.Azure.Monitoring.DependencyAgent", type: "DependencyAgentWindows", version: "9.10", name: "DependencyAgentWindows" },
  Linux: { publisher: "Microsoft.Azure.Monitoring.DependencyAgent", type: "DependencyAgentLinux", version: "9.10", name: "DependencyAgentLinux" },
});

export const AZURE_MONITOR_AGENT: Readonly<Record<OsType, ExtensionKind>> = Object.freeze({
  Windows: { publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorWindowsAgent", version: "1.1", name: "AzureMonitorWindowsAgent" },
  Linux: { publisher: "Microsoft.Azure.Monitor", type: "AzureMonitorLinuxAgent", version: "1.36", name: "AzureMonitorLinuxAgent" },
});

/** The AKS add-on key the Kubernetes policy enables (`addonProfiles.azurepolicy`). */
export const AKS_POLICY_ADDON = "azurepolicy";

export function isSameExtension(kind: ExtensionKind, ext: { publisher: string; type: string }): boolean {
  return equalsIgnoreCase(kind.type, ext.type) && equalsIgnoreCase(kind.publisher, ext.publisher);
}

/**
 * Case-insensitive equality (as toLowerCase compares). Hot: every machine's extensions are compared
 * with a few kinds, and names of one length differ in their first characters, so ASCII characters
 * are folded one by one and a difference ends it without allocating; a non-ASCII difference falls
 * back to toLowerCase.
 */
export function equalsIgnoreCase(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 128 || y >= 128) return a.toLowerCase() === b.toLowerCase();
    if (lowerAscii(x) !== lowerAscii(y)) return false;
  }
  return true;
}

const lowerAscii = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

/** Compares dotted versions numerically ("1.13" > "1.7"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(".").map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}
