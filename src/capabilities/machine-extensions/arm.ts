/**
 * Machine extensions and identities against ARM, through the one adapter over vm, vmss and arc
 * (src/azure/machineExtensions.ts). A workspace-keyed extension gets its workspace's GUID in
 * settings and the key only in protectedSettings; an upgrade is a PATCH of the version alone, so
 * it needs (and reads) no key.
 */
import { nameOf } from "../../inventory/ids";
import { compareVersions } from "../../spec/extensions";
import type { ArmEnv, ExtensionBody } from "../../azure/armEnv";
import type { LiveState, StepHandlers } from "../../core/kernel";
import type { EnableIdentityDetails, ExtensionStepBase, InstallExtensionDetails, MachineExtensionSteps, RemoveExtensionDetails, UpgradeScaleSetInstancesDetails } from "./steps";

async function bodyOf(d: InstallExtensionDetails | (ExtensionStepBase & { workspaceId: string }), env: ArmEnv): Promise<ExtensionBody> {
  const common = { publisher: d.publisher, typeHandlerVersion: d.typeHandlerVersion, autoUpgradeMinorVersion: true };
  if (d.workspaceId === null) return { ...common, enableAutomaticUpgrade: "enableAutomaticUpgrade" in d && d.enableAutomaticUpgrade === true };
  const secrets = await env.secrets.of(d.workspaceId);
  const settings = {
    workspaceId: secrets.customerId,
    // Windows multi-homing is supported (seed): an agent already connected elsewhere must not stop the extension.
    stopOnMultipleConnections: d.osType === "Windows" ? "false" : "true",
  };
  return { ...common, settings, protectedSettings: { workspaceKey: secrets.key } };
}

/** Is the extension there, at the step's version and (when keyed) reporting to its workspace? */
async function extensionState(d: ExtensionStepBase & { workspaceId: string | null }, target: string, env: ArmEnv): Promise<LiveState> {
  const ext = await env.extensions.get(d, nameOf(target));
  if (!ext) return "absent";
  const reported = workspaceIdIn(ext.settings);
  const want = d.workspaceId ? (await env.secrets.of(d.workspaceId)).customerId : reported;
  const sameWorkspace = reported?.toLowerCase() === want?.toLowerCase();
  const sameVersion = compareVersions(ext.typeHandlerVersion ?? "0", d.typeHandlerVersion) >= 0;
  if (!sameWorkspace || !sameVersion) return "absent";
  const state = (ext.provisioningState ?? "").toLowerCase();
  return state === "succeeded" ? "done" : state === "failed" ? "absent" : "in-progress";
}

function workspaceIdIn(settings: unknown): string | undefined {
  const v = settings !== null && typeof settings === "object" ? (settings as Record<string, unknown>).workspaceId : undefined;
  return typeof v === "string" ? v : undefined;
}

async function removed(d: RemoveExtensionDetails, target: string, env: ArmEnv): Promise<LiveState> {
  const ext = await env.extensions.get(d, nameOf(target));
  if (!ext) return "done";
  return (ext.provisioningState ?? "").toLowerCase() === "deleting" ? "in-progress" : "absent";
}

/** Done once no instance lags behind the model (the step's upgrade, or the owner's, got there first). */
async function instancesUpgraded(d: UpgradeScaleSetInstancesDetails, env: ArmEnv): Promise<LiveState> {
  return (await env.extensions.instancesNotUpgraded(d)).length === 0 ? "done" : "absent";
}

async function identityEnabled(d: EnableIdentityDetails, env: ArmEnv): Promise<LiveState> {
  return (await env.extensions.identityType(d))?.toLowerCase().includes("systemassigned") ? "done" : "absent";
}

export const HANDLERS = {
  "install-extension": {
    run: async ({ details: d, target }, env, ctx) => env.extensions.put(d, d.name, d.type, d.location, await bodyOf(d, env), ctx, () => extensionState(d, target, env)),
    check: ({ details: d, target }, env) => extensionState(d, target, env),
  },
  "reconnect-extension": {
    run: async ({ details: d, target }, env, ctx) => env.extensions.put(d, d.name, d.type, d.location, await bodyOf(d, env), ctx, () => extensionState(d, target, env)),
    check: ({ details: d, target }, env) => extensionState(d, target, env),
  },
  "upgrade-extension": {
    run: ({ details: d, target }, env, ctx) => env.extensions.patchVersion(d, nameOf(target), d.typeHandlerVersion, ctx, () => extensionState(d, target, env)),
    check: ({ details: d, target }, env) => extensionState(d, target, env),
  },
  "remove-extension": {
    run: ({ details: d, target }, env, ctx) => env.extensions.delete(d, d.name, ctx, () => removed(d, target, env)),
    check: ({ details: d, target }, env) => removed(d, target, env),
  },
  "enable-identity": {
    run: ({ details: d }, env, ctx) => env.extensions.setIdentity(d, d.identityType, ctx, () => identityEnabled(d, env)),
    check: ({ details: d }, env) => identityEnabled(d, env),
  },
  "upgrade-instances": {
    // The instances are read at apply time: the plan's own model changes have just left all of them behind.
    run: async ({ details: d }, env, ctx) => {
      const lagging = await env.extensions.instancesNotUpgraded(d);
      if (lagging.length) await env.extensions.upgradeInstances(d, lagging, ctx, () => instancesUpgraded(d, env));
    },
    check: ({ details: d }, env) => instancesUpgraded(d, env),
  },
} satisfies StepHandlers<MachineExtensionSteps, ArmEnv>;
