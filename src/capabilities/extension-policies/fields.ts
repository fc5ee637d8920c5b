/**
 * The inputs of the ExtensionPolicy components (Pulumi and CDKTF), documented once:
 * fields.generated.ts (the TypeScript types) and the Pulumi package schema are made from this
 * schema. Validation is extensionPolicyInputIssues' (declare.ts).
 */
import { z } from "zod";
import { SEED_POLICY_KEYS, type ExtensionPolicyKey } from "../../spec/policies";
import { extensionsSchema } from "../../spec/schema";

export const extensionPolicyFieldsSchema = z
  .object({
    subscriptionId: z
      .string()
      .describe(
        "Subscription GUID: the assignment's scope (`/subscriptions/<id>`), the scope of its role assignments, and the subscription the remediation runs in (the provider in effect must target it). Changing it replaces everything.",
      ),
    policy: z
      .enum(SEED_POLICY_KEYS as [ExtensionPolicyKey, ...ExtensionPolicyKey[]])
      .describe(
        "Which seed toggle: `kubernetesPolicyAddon` (Azure Policy Add-on for AKS), `dependencyAgentWindows` or `dependencyAgentLinux` (Microsoft Dependency agent). Changing it replaces everything.",
      ),
    // The spec's own default (extensions.identityLocation).
    identityLocation: extensionsSchema.shape.identityLocation.describe(
      "Location of the assignment's managed identity (required by ARM for an assignment with an identity; it does not limit what the policy remediates). Changing it replaces the assignment.",
    ),
    remediate: z
      .boolean()
      .default(true)
      .describe(
        "Start a remediation task for the resources that are non-compliant when it is created (resourceDiscoveryMode ReEvaluateCompliance: it evaluates them first, as a new assignment has not been evaluated yet). A remediation is one-shot: it is not re-run by later deployments (`asc-autoprovision plan/apply` and the AgentReconciliation resource plan later ones).",
      ),
  })
  .describe(
    "One of the seed's \"Enable auto provisioning of extensions\" toggles as a Deploy-if-not-exists policy assignment at the subscription, with its role assignments and a remediation task.",
  );
