/** The step of the Defender for Endpoint integration: one `Microsoft.Security/settings` switch. */
import { type StepKinds } from "../../core/kernel";

export interface SetSecuritySettingDetails {
  readonly subscriptionId: string;
  /** WDATP, WDATP_UNIFIED_SOLUTION or WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW. */
  readonly name: string;
  readonly kind: "DataExportSettings" | "AlertSyncSettings";
  readonly enabled: boolean;
  /** What the subscription has, null when not read. */
  readonly from: boolean | null;
}

export interface EndpointSteps {
  readonly "set-security-setting": SetSecuritySettingDetails;
}

export function securitySettingId(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Security/settings/${name}`;
}

const onOff = (v: boolean | null): string => (v === null ? "(unknown)" : v ? "on" : "off");

export const ENDPOINT_STEPS: StepKinds<EndpointSteps> = {
  "set-security-setting": {
    label: (d) => `${d.name}: ${onOff(d.from)} → ${onOff(d.enabled)}`,
    simulate: (sim, d) => {
      const settings = sim.settingsOf(d.subscriptionId);
      (settings.securitySettings ??= {})[d.name] = d.enabled;
    },
  },
};
