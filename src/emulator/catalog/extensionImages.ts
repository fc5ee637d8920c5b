/**
 * The VM extension image catalog (`.../locations/{l}/publishers/{p}/artifacttypes/vmextension/
 * types/{t}/versions`): the agent extensions this project installs, with published versions
 * (Microsoft's release notes for each agent), so `az vm extension set` without `--version` finds
 * the latest and `az vm extension image list` lists them. Versions oldest first, as ARM lists
 * them (the values are illustrative release numbers, not a copy of Azure's catalog).
 */
import { AZURE_MONITOR_AGENT, DEPENDENCY_AGENT, LOG_ANALYTICS_AGENT } from "../../spec/extensions";
import { legacyAgentOffered } from "../../spec/geography";

export interface ExtensionImage {
  /** The Log Analytics agent (MMA/OMS): never offered in the regions opened after 2024-01-01. */
  readonly legacy?: true;
  readonly publisher: string;
  readonly type: string;
  readonly operatingSystem: "Windows" | "Linux";
  readonly versions: readonly string[];
}

const image = (kind: { publisher: string; type: string }, operatingSystem: "Windows" | "Linux", versions: readonly string[]): ExtensionImage => ({
  publisher: kind.publisher,
  type: kind.type,
  operatingSystem,
  versions,
});

export const EXTENSION_IMAGES: readonly ExtensionImage[] = [
  { legacy: true, ...image(LOG_ANALYTICS_AGENT.Windows, "Windows", ["1.0.11081.4", "1.0.18040.2", "1.0.18053.0", "1.0.18067.0", "1.0.18069.0"]) },
  { legacy: true, ...image(LOG_ANALYTICS_AGENT.Linux, "Linux", ["1.7.9", "1.12.15", "1.13.40", "1.14.23", "1.19.0"]) },
  image(DEPENDENCY_AGENT.Windows, "Windows", ["9.10.16.22650", "9.10.19.2400"]),
  image(DEPENDENCY_AGENT.Linux, "Linux", ["9.10.16.22650", "9.10.19.2410"]),
  image(AZURE_MONITOR_AGENT.Windows, "Windows", ["1.1.0.0", "1.30.0.0", "1.33.0.0"]),
  image(AZURE_MONITOR_AGENT.Linux, "Linux", ["1.33.2", "1.36.0"]),
];

/** The catalog of one location: a region opened after 2024-01-01 lists no legacy agent (it refuses its install too). */
export function extensionImagesIn(location: string): readonly ExtensionImage[] {
  return legacyAgentOffered(location) ? EXTENSION_IMAGES : EXTENSION_IMAGES.filter((i) => !i.legacy);
}
