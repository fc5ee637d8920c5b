/**
 * File integrity monitoring's `Rules`: what Defender watches, as the pricings extension
 * `FileIntegrityMonitoring` takes it in `additionalExtensionProperties.Rules` (a JSON string of
 * `[{ RuleId, MonitoredEntities: { WindowsFiles, LinuxFiles, Registries: [{ Path }] } }]`).
 *
 * No Microsoft page documents this property; two public deployments agree on its name and shape,
 * and one reports ARM refusing the extension without it ("Missing required property ... 'Rules'"),
 * the portal filling it from "Recommended to monitor" (reference §3). The defaults below are
 * those recommended items; the spec's `monitoredEntities` replaces them.
 */
import { createHash } from "node:crypto";

/** Paths by kind, as the spec names them. */
export interface MonitoredEntities {
  readonly windowsFiles: readonly string[];
  readonly linuxFiles: readonly string[];
  readonly windowsRegistry: readonly string[];
}

/** The portal's "Recommended to monitor" items for file integrity monitoring. */
export const RECOMMENDED_MONITORED_ENTITIES: MonitoredEntities = Object.freeze({
  windowsFiles: [
    "\\Windows\\system.ini",
    "\\Windows\\win.ini",
    "\\Windows\\regedit.exe",
    "\\Windows\\explorer.exe",
    "\\Windows\\System32\\userinit.exe",
    "autoexec.bat",
    "boot.ini",
    "config.sys",
  ],
  linuxFiles: [
    "/bin/login",
    "/bin/passwd",
    "/etc/crontab",
    "/etc/*.conf",
    "/usr/bin/",
    "/usr/sbin/",
    "/bin/",
    "/sbin/",
    "/boot/",
    "/usr/local/bin/",
    "/usr/local/sbin/",
    "/opt/bin/",
    "/opt/sbin/",
    "/etc/init.d/",
    "/etc/cron.hourly/",
    "/etc/cron.daily/",
    "/etc/cron.weekly/",
    "/etc/cron.monthly/",
  ],
  windowsRegistry: [
    "hklm\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Windows\\appinit_dlls",
    "hklm\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Windows\\loadappinit_dlls",
    "hklm\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run\\",
    "hklm\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\RunOnce\\",
    "hklm\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows NT\\CurrentVersion\\Windows\\appinit_dlls",
    "hklm\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Run\\",
    "hklm\\SOFTWARE\\Microsoft\\Cryptography\\OID\\",
    "hklm\\SECURITY\\POLICY\\SECRETS\\",
  ],
});

const WIRE_KINDS = [
  ["windowsFiles", "WindowsFiles"],
  ["linuxFiles", "LinuxFiles"],
  ["windowsRegistry", "Registries"],
] as const;

/** The `Rules` string for `entities`: one rule whose id is derived from its content, so it is stable. */
export function fimRulesValue(entities: MonitoredEntities): string {
  const monitored: Record<string, { Path: string }[]> = {};
  for (const [from, to] of WIRE_KINDS) monitored[to] = entities[from].map((Path) => ({ Path }));
  return JSON.stringify([{ RuleId: ruleId(monitored), MonitoredEntities: monitored }]);
}

function ruleId(monitored: unknown): string {
  const h = createHash("sha256").update(JSON.stringify(monitored)).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The watched paths of a `Rules` value as `Kind:path` keys (any rule, any order, any case), or undefined when it is not one. */
function watched(text: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const out = new Set<string>();
  for (const rule of parsed) {
    const monitored = (rule as { MonitoredEntities?: unknown } | null)?.MonitoredEntities;
    if (!monitored || typeof monitored !== "object") continue;
    for (const [kind, list] of Object.entries(monitored as Record<string, unknown>)) {
      if (!Array.isArray(list)) continue;
      for (const e of list) {
        const path = (e as { Path?: unknown } | null)?.Path;
        if (typeof path === "string") out.add(`${kind.toLowerCase()}:${path.toLowerCase()}`);
      }
    }
  }
  return [...out].sort();
}

/** Whether two `Rules` values watch the same paths (rule ids and order aside). */
export function sameFimRules(current: string, wanted: string): boolean {
  const a = watched(current);
  const b = watched(wanted);
  return a !== undefined && b !== undefined && a.length === b.length && a.every((k, i) => k === b[i]);
}

/** A short form of a `Rules` value for the plan: `26 paths (8 Windows files, 18 Linux files, 0 registry keys)`. */
export function fimRulesSummary(text: string | undefined): string {
  if (text === undefined) return "(none)";
  const keys = watched(text);
  if (!keys) return "(unreadable)";
  const count = (kind: string) => keys.filter((k) => k.startsWith(`${kind.toLowerCase()}:`)).length;
  return `${keys.length} paths (${count("WindowsFiles")} Windows files, ${count("LinuxFiles")} Linux files, ${count("Registries")} registry keys)`;
}
