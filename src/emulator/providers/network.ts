/**
 * Microsoft.Network: the network interfaces every VM names in `networkProfile` (the emulator does
 * not model networks, but clients follow the reference: `az vm show -d`, `az vm list-ip-addresses`).
 * A VM's NIC exists while the VM names it (a document derived from the VM: one primary IP
 * configuration with a private address from 10.0.0.0/16); a NIC PUT is stored as given.
 */
import type { ListInput, PutInput, PutResult, ResourceTypeSpec, Target, Needs } from "../arm/types";
import { API_VERSIONS } from "../arm/apiVersions";
import { ArmErrors } from "../http/errors";
import type { StoredResource } from "../store/resources";
import { clone, getPath, isObject, type JsonObject } from "../util/json";
import { guidFrom } from "../util/random";
import { NETWORK_INTERFACE_TYPE, VM_TYPE } from "../model/resourceTypes";

type Deps = Needs<"store">;

/** The NIC ids a VM document names. */
function nicIdsOf(vm: StoredResource): string[] {
  const nics = getPath(vm.doc, ["properties", "networkProfile", "networkInterfaces"]);
  return Array.isArray(nics) ? nics.map((n) => (isObject(n) && typeof n["id"] === "string" ? n["id"] : "")).filter(Boolean) : [];
}

function derivedNic(vm: StoredResource, id: string, name: string): StoredResource {
  const hash = guidFrom(id).replace(/-/g, "");
  const host = (parseInt(hash.slice(0, 4), 16) % 250) + 4;
  const third = parseInt(hash.slice(4, 6), 16);
  const doc: JsonObject = {
    id,
    name,
    type: NETWORK_INTERFACE_TYPE,
    location: vm.doc["location"] ?? "",
    etag: `W/"${guidFrom(`${id}/etag`)}"`,
    properties: {
      provisioningState: "Succeeded",
      resourceGuid: guidFrom(`${id}/guid`),
      ipConfigurations: [
        {
          id: `${id}/ipConfigurations/ipconfig1`,
          name: "ipconfig1",
          type: "Microsoft.Network/networkInterfaces/ipConfigurations",
          properties: { provisioningState: "Succeeded", privateIPAddress: `10.0.${third}.${host}`, privateIPAllocationMethod: "Dynamic", privateIPAddressVersion: "IPv4", primary: true },
        },
      ],
      macAddress: hash.slice(0, 12).toUpperCase().replace(/(..)(?!$)/g, "$1-"),
      primary: true,
      enableAcceleratedNetworking: false,
      enableIPForwarding: false,
      virtualMachine: { id: vm.id },
      nicType: "Standard",
    },
  };
  return { id, type: NETWORK_INTERFACE_TYPE, doc, secret: null };
}

/** The NICs the VMs of a group (or subscription) name and that were not PUT themselves. */
function derivedNics(ctx: Deps, subscriptionId: string, resourceGroup: string | null): StoredResource[] {
  const out: StoredResource[] = [];
  for (const vm of ctx.store.list(VM_TYPE, { subscriptionId, resourceGroup: resourceGroup ?? undefined })) {
    for (const id of nicIdsOf(vm)) {
      if (ctx.store.get(id)) continue;
      out.push(derivedNic(vm, id, id.split("/").pop()!));
    }
  }
  return out;
}

function virtualNic(ctx: Deps, target: Target): StoredResource | undefined {
  if (!target.subscriptionId || !target.resourceGroup) return undefined;
  return derivedNics(ctx, target.subscriptionId, target.resourceGroup).find((n) => n.id.toLowerCase() === target.id.toLowerCase());
}

function putNic(input: PutInput<Deps>): PutResult {
  const { body, target } = input;
  const location = typeof body["location"] === "string" ? body["location"].replace(/\s+/g, "").toLowerCase() : "";
  if (!location) throw ArmErrors.locationRequired();
  const props = isObject(body["properties"]) ? clone(body["properties"]) : {};
  const doc: JsonObject = { id: target.id, name: target.name, type: NETWORK_INTERFACE_TYPE, location, properties: { ...props, provisioningState: "Succeeded" } };
  if (isObject(body["tags"])) doc["tags"] = clone(body["tags"]);
  return { doc };
}

export const networkInterfaces: ResourceTypeSpec<Deps> = {
  type: NETWORK_INTERFACE_TYPE,
  apiVersions: API_VERSIONS.network,
  scopes: ["resourceGroup"],
  listAtSubscription: true,
  put: putNic,
  virtual: virtualNic,
  list: ({ ctx, subscriptionId, resourceGroup }: ListInput<Deps>) => [
    ...ctx.store.list(NETWORK_INTERFACE_TYPE, { subscriptionId: subscriptionId!, resourceGroup: resourceGroup ?? undefined }),
    ...derivedNics(ctx, subscriptionId!, resourceGroup),
  ],
};
