/** The step of security events: a workspace's tier, in its SecurityEventCollectionConfiguration data source. */
import type { SecurityEventTier } from "../../spec/events";
import { workspaceLabel, type StepKinds } from "../../core/kernel";

export interface SetSecurityEventsDetails {
  readonly workspaceId: string;
  readonly dataSource: string;
  /** The portal's word. */
  readonly tier: SecurityEventTier;
  /** The API's word (Common is "Recommended"). */
  readonly apiTier: string;
}

export interface SecurityEventSteps {
  readonly "set-security-events": SetSecurityEventsDetails;
}

export const SECURITY_EVENT_STEPS: StepKinds<SecurityEventSteps> = {
  "set-security-events": {
    label: (d) => `${workspaceLabel(d.workspaceId)}: ${d.tier}`,
    simulate: (sim, d) => {
      sim.workspace(d.workspaceId).securityEvents = { tier: d.tier, owner: "securityCenter" };
    },
  },
};
