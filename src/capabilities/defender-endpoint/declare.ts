/** What the front ends declare for the Defender for Endpoint integration: its settings at the subscription. */
import { resolveServers, SECURITY_SETTING_KINDS } from "../../spec";
import { subscriptionScope, type CapabilityDeclarer, type SecuritySettingDeclaration } from "../../core/kernel";
import { desiredEndpointSettings } from "./settings";

export const ENDPOINT_DECLARER: CapabilityDeclarer = {
  subscription: ({ spec, subscriptionId }) => {
    const servers = resolveServers(spec.defender);
    if (!servers) return { units: [] };
    const key = `${subscriptionId}/defender-endpoint`;
    const resources = desiredEndpointSettings(servers).map(
      (s, i, all): SecuritySettingDeclaration => ({
        kind: "security-setting",
        key: `${key}/${s.name}`,
        role: `setting-${s.name}`,
        // WDATP first: its companions mean nothing without it.
        dependsOn: i > 0 ? [`${key}/${all[0]!.name}`] : [],
        props: {
          scope: subscriptionScope(subscriptionId),
          name: s.name,
          settingKind: SECURITY_SETTING_KINDS[s.name] ?? "DataExportSettings",
          enabled: s.enabled,
          deploymentLocation: spec.extensions.identityLocation,
        },
      }),
    );
    if (!resources.length) return { units: [] };
    return { units: [{ kind: "resources", family: "defender-endpoint", key, subscriptionId, resources, lookups: [], issues: [], warnings: [] }] };
  },
};
