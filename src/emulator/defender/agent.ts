/**
 * Defender for Cloud's own behaviour once a plan is on (reference/defender-today.md §3), which a
 * client never asks for: `settings.defenderDelayMs` after a subscription's plan or switch changes,
 * and again every `defenderDelayMs` while a plan stays on (its own policies evaluate new machines),
 * Defender
 *
 * - deploys MDE.Windows / MDE.Linux to every running machine with a VM agent that Defender for
 *   Servers covers (its own plan is not Free), with the integration on (WDATP; Linux unless
 *   excluded; Windows Server 2012 R2/2016 with the unified solution), not a generalized image, not
 *   an unsupported Windows release, not an appliance; on Linux without Python the deployment fails;
 * - enables Defender Vulnerability Management on a machine once its MDE is provisioned and the
 *   subscription's provider is MdeTvm (`serverVulnerabilityAssessments/mdetvm`);
 * - turns the Defender sensor on (`securityProfile.defender`) on AKS clusters with Defender for
 *   Containers and its ContainerSensor on.
 *
 * Its deployments are recorded in the extension log with source `defender`, so a test tells them
 * from a client's PUTs. Time is the emulator's clock: due sweeps run before a request is routed,
 * as due long-running operations settle. The schedule lives in the meta table (a restart keeps it).
 */
import type { ArmContext } from "../arm/types";
import type { Meta } from "../store/db";
import type { StoredResource } from "../store/resources";
import { getPath, isObject, type JsonObject } from "../util/json";
import { MDE_EXTENSION, MDE_UNSUPPORTED_OS, UNIFIED_SOLUTION_OS, VA_MACHINE_ASSESSMENT_NAME } from "../../spec/defender";
import { isAppliance } from "../../spec/appliances";
import { sensorDefaultWorkspaceId } from "../../spec/naming";
import { extensionsOf, extensionTypeOf, guestOf, machineKindOf, osTypeOf } from "../model/machines";
import { extensionEnabled, resourcePricing, settingEnabled, subscriptionPricing, vaProvider } from "../model/defender";
import { AKS_TYPE, MACHINE_TYPES, VA_ASSESSMENT_TYPE } from "../model/resourceTypes";
import type { DefenderSchedule } from "../providers/defender";

const META_KEY = "defenderDue";

export class DefenderAgent implements DefenderSchedule {
  constructor(
    private readonly meta: Meta,
    private readonly ctx: () => ArmContext,
  ) {}

  private due(): Record<string, number> {
    const raw = this.meta.get(META_KEY);
    return raw ? (JSON.parse(raw) as Record<string, number>) : {};
  }

  private save(due: Record<string, number>): void {
    this.meta.set(META_KEY, JSON.stringify(due));
  }

  /** A plan or switch of the subscription changed: Defender acts after its delay (an earlier sweep stays). */
  arm(subscriptionId: string): void {
    const c = this.ctx();
    const due = this.due();
    const sub = subscriptionId.toLowerCase();
    if (due[sub] === undefined) {
      due[sub] = c.clock.now() + c.settings.defenderDelayMs;
      this.save(due);
    }
  }

  /** Runs every sweep whose time has come; returns how many deployments Defender made. */
  settleDue(): number {
    const c = this.ctx();
    const due = this.due();
    const now = c.clock.now();
    const ready = Object.keys(due).filter((s) => due[s]! <= now);
    if (!ready.length) return 0;
    let made = 0;
    c.tx(() => {
      for (const sub of ready.sort()) {
        made += this.sweep(c, sub);
        // While a plan stays on, Defender keeps evaluating new machines.
        if (this.planOn(c, sub)) due[sub] = now + c.settings.defenderDelayMs;
        else delete due[sub];
      }
      this.save(due);
    });
    return made;
  }

  private planOn(c: ArmContext, sub: string): boolean {
    return subscriptionPricing(c, sub, "VirtualMachines").pricingTier === "Standard" || subscriptionPricing(c, sub, "Containers").pricingTier === "Standard";
  }

  private sweep(c: ArmContext, sub: string): number {
    let made = 0;
    const servers = subscriptionPricing(c, sub, "VirtualMachines");
    if (servers.pricingTier === "Standard" && settingEnabled(c, sub, "WDATP")) {
      const linux = !settingEnabled(c, sub, "WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW");
      const unified = settingEnabled(c, sub, "WDATP_UNIFIED_SOLUTION");
      const tvm = (vaProvider(c, sub) ?? "").toLowerCase() === "mdetvm";
      for (const machine of c.store.listTypes(MACHINE_TYPES, [sub])) {
        const own = servers.enforce === "True" ? undefined : resourcePricing(c, machine.id);
        if (own?.pricingTier === "Free") continue;
        made += this.endpoint(c, machine, linux, unified);
        if (tvm) made += this.assessment(c, machine);
      }
    }
    const containers = subscriptionPricing(c, sub, "Containers");
    if (extensionEnabled(containers, "ContainerSensor")) {
      for (const cluster of c.store.listTypes([AKS_TYPE], [sub])) made += this.sensor(c, cluster, sub);
    }
    return made;
  }

  /** MDE on one machine, if Defender deploys it there and it is not there yet. */
  private endpoint(c: ArmContext, machine: StoredResource, linuxOn: boolean, unifiedOn: boolean): number {
    const kind = machineKindOf(machine.type)!;
    const os = osTypeOf(machine);
    const guest = guestOf(c, machine);
    const ext = MDE_EXTENSION[os];
    if (extensionsOf(c, machine).some((e) => String(getPath(e.doc, ["properties", "type"])).toLowerCase() === ext.type.toLowerCase())) return 0;
    if (guest.powerState !== "running" || !guest.vmAgent || guest.generalized) return 0;
    const plan = isObject(machine.doc["plan"]) ? (machine.doc["plan"] as JsonObject) : undefined;
    if (isAppliance(typeof plan?.["publisher"] === "string" ? plan["publisher"] : undefined, machine.doc["tags"] as Record<string, string> | undefined)) return 0;
    const osName = guest.osName ?? "";
    if (os === "Linux" && !linuxOn) return 0;
    if (os === "Windows" && (MDE_UNSUPPORTED_OS.test(osName) || (UNIFIED_SOLUTION_OS.test(osName) && !unifiedOn))) return 0;
    // Without Python, MDE.Linux's installer fails (enable-defender-for-endpoint.md).
    const failed = os === "Linux" && guest.python === false;
    const id = `${machine.id}/extensions/${ext.name}`;
    const doc: JsonObject = {
      id,
      name: ext.name,
      type: extensionTypeOf(kind),
      location: (machine.doc["location"] as string | undefined) ?? null,
      properties: {
        publisher: ext.publisher,
        type: ext.type,
        typeHandlerVersion: ext.version,
        autoUpgradeMinorVersion: true,
        // Defender's onboarding blob, shaped as Defender sends it (no secret in the emulator's).
        settings: { azureResourceId: machine.id, vNextEnabled: "true", forceReOnboarding: false },
        provisioningState: failed ? "Failed" : "Succeeded",
      },
    };
    c.store.put({ id, type: extensionTypeOf(kind), doc, secret: { provisionedAt: failed ? null : c.clock.now() } });
    c.extensionLog.record({ at: c.clock.iso(), machineId: machine.id, name: ext.name, publisher: ext.publisher, type: ext.type, version: ext.version, workspaceId: null, source: "defender", requestId: null });
    return 1;
  }

  /** Defender Vulnerability Management on a machine whose MDE is provisioned. */
  private assessment(c: ArmContext, machine: StoredResource): number {
    const id = `${machine.id}/providers/${VA_ASSESSMENT_TYPE}/${VA_MACHINE_ASSESSMENT_NAME}`;
    if (c.store.get(id)) return 0;
    const mde = extensionsOf(c, machine).find((e) => String(getPath(e.doc, ["properties", "type"])).toLowerCase().startsWith("mde."));
    if (!mde || getPath(mde.doc, ["properties", "provisioningState"]) !== "Succeeded") return 0;
    c.store.put({ id, type: VA_ASSESSMENT_TYPE, doc: { id, name: VA_MACHINE_ASSESSMENT_NAME, type: VA_ASSESSMENT_TYPE, properties: { provisioningState: "Succeeded" } }, secret: null });
    return 1;
  }

  /** The Defender sensor on an AKS cluster, with the default workspace of its region (Defender creates it when missing). */
  private sensor(c: ArmContext, cluster: StoredResource, sub: string): number {
    const props = isObject(cluster.doc["properties"]) ? (cluster.doc["properties"] as JsonObject) : {};
    if (getPath(props, ["securityProfile", "defender", "securityMonitoring", "enabled"]) === true) return 0;
    const workspace = sensorDefaultWorkspaceId(sub, String(cluster.doc["location"] ?? "eastus"));
    const securityProfile = { ...(isObject(props["securityProfile"]) ? props["securityProfile"] : {}), defender: { logAnalyticsWorkspaceResourceId: workspace, securityMonitoring: { enabled: true } } };
    c.store.put({ ...cluster, doc: { ...cluster.doc, properties: { ...props, securityProfile } } });
    return 1;
  }
}
