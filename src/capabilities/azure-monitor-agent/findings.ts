/**
 * What the Azure Monitor Agent does not do that the seed's Log Analytics agent set-up did, said
 * once per plan with `agent: ama`. Facts come from the seed and reference §1.2/§2.10; what the
 * reference does not state is marked INFERRED.
 */
import { SEED_POLICIES } from "../../spec/policies";
import type { PlanContext, StepMap, StepSink } from "../../core/kernel";

export function noteAmaGaps(ctx: PlanContext, b: StepSink<StepMap>): void {
  const la = ctx.spec.logAnalyticsAgent;
  if (!la.autoProvision || la.agent !== "ama") return;
  const dep = ctx.spec.extensions.dependencyAgent;
  if (dep.windows || dep.linux) {
    const ids = [dep.windows && SEED_POLICIES.dependencyAgentWindows.definitionName, dep.linux && SEED_POLICIES.dependencyAgentLinux.definitionName].filter(Boolean).join(", ");
    b.finding(
      "warning",
      "dependency-agent-needs-legacy-agent",
      "extensions.dependencyAgent",
      `The seed's Dependency agent policies (${ids}) belong to the deprecated "Legacy - Enable Azure Monitor for VMs" initiative, and the seed says the Dependency agent requires the Log Analytics agent: ` +
        (la.removeLegacyAgent
          ? "machines with the Dependency agent keep the legacy agent (removeLegacyAgent does not remove it there)."
          : "machines that have only the Azure Monitor Agent do not meet that requirement."),
    );
  }
  if (!la.defender || la.securityEvents === "None") return;
  b.finding(
    "info",
    "process-creation-auditing",
    "logAnalyticsAgent.securityEvents",
    "With the Log Analytics agent, Security Center turned on process creation auditing (event 4688) and its CommandLine field on each machine; the Azure Monitor Agent only collects what its data collection rule selects and turns on no audit policy (INFERRED). Enable them by Group Policy, as the seed recommends.",
  );
  b.finding(
    "info",
    "applocker-audit-policy",
    "logAnalyticsAgent.securityEvents",
    "For Adaptive Application Controls Security Center configured a local AppLocker policy in audit mode, which makes the AppLocker events 8001-8007 of this tier; the Azure Monitor Agent reads the AppLocker channels but configures no AppLocker policy (INFERRED), so these events come only from machines that have one.",
  );
}
