/**
 * One adapter over the three kinds of machine this tool provisions: virtual machines and scale
 * sets (Microsoft.Compute) and Arc-enabled servers (Microsoft.HybridCompute). Every operation on
 * a machine's extensions or identity goes through it, so no handler branches on the kind.
 */
import type { LiveState, StepContext } from "../core/kernel";
import type { MachineKind } from "../inventory/schema";
import { nameOf, resourceGroupOf, subscriptionOf } from "../inventory/ids";
import type { ArmClients } from "./clients";
import type { LroRunner } from "./lro";
import type { WriteGate } from "./writeGate";

/**
 * Arc machine extensions are written at a current api-version: @azure/arm-hybridcompute targets
 * 2021-05-20, whose model has no `enableAutomaticUpgrade`, so its serializer drops the property
 * the Azure Monitor Agent relies on to upgrade itself.
 */
export const ARC_EXTENSION_API_VERSION = "2024-07-10";

export interface MachineRef {
  readonly machineId: string;
  readonly machineKind: MachineKind;
}

/** An extension's body as every kind takes it (without type and location, which the kinds place differently). */
export interface ExtensionBody {
  readonly publisher: string;
  readonly typeHandlerVersion: string;
  readonly autoUpgradeMinorVersion: boolean;
  readonly enableAutomaticUpgrade?: boolean;
  readonly settings?: Record<string, unknown>;
  /** Secrets (a workspace key): sent, never read back or logged. */
  readonly protectedSettings?: Record<string, unknown>;
}

/** What an extension looks like live. */
export interface LiveExtension {
  readonly settings: unknown;
  readonly typeHandlerVersion: string | undefined;
  readonly provisioningState: string | undefined;
}

/** What a step's recovery reads after a failed poll (see lro.ts). */
export type Recheck = () => Promise<LiveState>;

export class MachineExtensionAdapter {
  constructor(
    private readonly clients: ArmClients,
    private readonly gate: WriteGate,
    private readonly lro: LroRunner,
  ) {}

  /** Creates or replaces the extension `name` of type `type`. */
  async put(m: MachineRef, name: string, type: string, location: string, body: ExtensionBody, ctx: StepContext, recheck: Recheck): Promise<void> {
    const { sub, rg, machine } = parts(m);
    const poll = this.lro.poll();
    if (m.machineKind === "vm") {
      const c = this.clients.compute(sub);
      await this.lro.run(ctx, () => c.virtualMachineExtensions.beginCreateOrUpdate(rg, machine, name, { location, typePropertiesType: type, ...body }, poll), recheck);
    } else if (m.machineKind === "vmss") {
      const c = this.clients.compute(sub);
      await this.lro.run(ctx, () => c.virtualMachineScaleSetExtensions.beginCreateOrUpdate(rg, machine, name, { typePropertiesType: type, ...body }, poll), recheck);
    } else {
      const path = `${m.machineId}/extensions/${name}`;
      const arc = { location, properties: { type, ...body } };
      await this.lro.run(ctx, () => this.clients.rest().beginPut(path, ARC_EXTENSION_API_VERSION, arc, poll.updateIntervalInMs), recheck);
    }
  }

  /** A PATCH of the version alone: the extension keeps its settings and the protected ones Azure holds. */
  async patchVersion(m: MachineRef, name: string, typeHandlerVersion: string, ctx: StepContext, recheck: Recheck): Promise<void> {
    const { sub, rg, machine } = parts(m);
    const poll = this.lro.poll();
    const version = { typeHandlerVersion, autoUpgradeMinorVersion: true };
    if (m.machineKind === "vm") {
      await this.lro.run(ctx, () => this.clients.compute(sub).virtualMachineExtensions.beginUpdate(rg, machine, name, version, poll), recheck);
    } else if (m.machineKind === "vmss") {
      await this.lro.run(ctx, () => this.clients.compute(sub).virtualMachineScaleSetExtensions.beginUpdate(rg, machine, name, version, poll), recheck);
    } else {
      await this.lro.run(ctx, () => this.clients.hybrid(sub).machineExtensions.beginUpdate(rg, machine, name, { properties: version }, poll), recheck);
    }
  }

  /** Deletes the extension; one that is already gone is done. */
  async delete(m: MachineRef, name: string, ctx: StepContext, recheck: Recheck): Promise<void> {
    const { sub, rg, machine } = parts(m);
    const poll = this.lro.poll();
    try {
      if (m.machineKind === "vm") await this.lro.run(ctx, () => this.clients.compute(sub).virtualMachineExtensions.beginDelete(rg, machine, name, poll), recheck);
      else if (m.machineKind === "vmss") await this.lro.run(ctx, () => this.clients.compute(sub).virtualMachineScaleSetExtensions.beginDelete(rg, machine, name, poll), recheck);
      else await this.lro.run(ctx, () => this.clients.hybrid(sub).machineExtensions.beginDelete(rg, machine, name, poll), recheck);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }

  /** The extension as it is, or null when it does not exist. */
  async get(m: MachineRef, name: string): Promise<LiveExtension | null> {
    const { sub, rg, machine } = parts(m);
    if (m.machineKind === "vm") {
      const e = await this.gate.readOrNull(() => this.clients.compute(sub).virtualMachineExtensions.get(rg, machine, name));
      return e && { settings: e.settings, typeHandlerVersion: e.typeHandlerVersion, provisioningState: e.provisioningState };
    }
    if (m.machineKind === "vmss") {
      const e = await this.gate.readOrNull(() => this.clients.compute(sub).virtualMachineScaleSetExtensions.get(rg, machine, name));
      return e && { settings: e.settings, typeHandlerVersion: e.typeHandlerVersion, provisioningState: e.provisioningState };
    }
    const e = await this.gate.readOrNull(() => this.clients.hybrid(sub).machineExtensions.get(rg, machine, name));
    return e && { settings: e.properties?.settings, typeHandlerVersion: e.properties?.typeHandlerVersion, provisioningState: e.properties?.provisioningState };
  }

  /** Sets the machine's identity type (Arc-enabled servers always have their agent's identity). */
  async setIdentity(m: MachineRef, identityType: string, ctx: StepContext, recheck: Recheck): Promise<void> {
    const { sub, rg, machine } = parts(m);
    const identity = { type: identityType as "SystemAssigned" };
    const poll = this.lro.poll();
    if (m.machineKind === "vmss") await this.lro.run(ctx, () => this.clients.compute(sub).virtualMachineScaleSets.beginUpdate(rg, machine, { identity }, poll), recheck);
    else await this.lro.run(ctx, () => this.clients.compute(sub).virtualMachines.beginUpdate(rg, machine, { identity }, poll), recheck);
  }

  /** The ids of a scale set's instances that do not run its latest model (`latestModelApplied` false). */
  async instancesNotUpgraded(m: MachineRef): Promise<string[]> {
    const { sub, rg, machine } = parts(m);
    return this.gate.read(async () => {
      const ids: string[] = [];
      for await (const vm of this.clients.compute(sub).virtualMachineScaleSetVMs.list(rg, machine)) {
        if (vm.latestModelApplied === false && vm.instanceId) ids.push(vm.instanceId);
      }
      return ids;
    });
  }

  /** Upgrades these instances of a scale set to its latest model (`POST .../manualUpgrade`). */
  async upgradeInstances(m: MachineRef, instanceIds: readonly string[], ctx: StepContext, recheck: Recheck): Promise<void> {
    const { sub, rg, machine } = parts(m);
    const poll = this.lro.poll();
    await this.lro.run(ctx, () => this.clients.compute(sub).virtualMachineScaleSets.beginUpdateInstances(rg, machine, { instanceIds: [...instanceIds] }, poll), recheck);
  }

  /** The machine's identity type, or undefined (also for a machine that does not exist). */
  async identityType(m: MachineRef): Promise<string | undefined> {
    const { sub, rg, machine } = parts(m);
    const got =
      m.machineKind === "vmss"
        ? await this.gate.readOrNull(() => this.clients.compute(sub).virtualMachineScaleSets.get(rg, machine))
        : await this.gate.readOrNull(() => this.clients.compute(sub).virtualMachines.get(rg, machine));
    return got?.identity?.type;
  }
}

function parts(m: MachineRef): { sub: string; rg: string; machine: string } {
  return { sub: subscriptionOf(m.machineId), rg: resourceGroupOf(m.machineId), machine: nameOf(m.machineId) };
}
