/**
 * Operations Manager (SCOM) releases and the agent versions they report (the Heartbeat table's
 * Version column): 7.x is 2012 (SP1 7.0, R2 7.1), 8.x is 2016 and 1801/1807, 10.19 is 2019,
 * 10.22 is 2022. The seed: auto provisioning must not be enabled beside a 2012 agent.
 * The one table of these facts: the adapter reads releases with it, the emulator reports
 * versions from it.
 */

/** Releases the emulator's fleet models; "2012" reports the 2012 R2 agent's version. */
export const OPERATIONS_MANAGER_RELEASES = ["2012", "2016", "2019", "2022"] as const;
export type OperationsManagerRelease = (typeof OPERATIONS_MANAGER_RELEASES)[number];

/** The agent version each release reports, as the agent reports it. */
export const OPERATIONS_MANAGER_AGENT_VERSIONS: Readonly<Record<OperationsManagerRelease, string>> = Object.freeze({
  "2012": "7.1.10184.0",
  "2016": "8.0.10918.0",
  "2019": "10.19.10014.0",
  "2022": "10.22.10056.0",
});

/** The release an agent version belongs to ("7.1.10184.0" -> "2012 R2"); a version we don't know is kept as it is. */
export function operationsManagerRelease(version: string): string {
  const [major, minor] = version.split(".").map((p) => Number.parseInt(p, 10));
  if (major === 7) return minor === 1 ? "2012 R2" : "2012";
  if (major === 8) return "2016";
  if (major === 10 && minor !== undefined) return `20${String(minor).padStart(2, "0")}`;
  return version;
}

/** SCOM 2012 (and 2012 R2) blocks auto provisioning of the Log Analytics agent (seed). */
export function isOperationsManager2012(release: string | undefined): boolean {
  return release !== undefined && /^2012\b/.test(release);
}
