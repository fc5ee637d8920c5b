/**
 * The forms of the ids the planner reads a subscription and a resource type from: a subscription
 * GUID, a machine's or a cluster's ARM id (its subscription a GUID, its type the one its kind
 * names). A hand edit that breaks one (`/resourcegroup/`, a stray character in a GUID) would
 * otherwise plan a subscription that does not exist, or leave machines out of every subscription.
 * Which characters a segment may hold is armIds.ts's rule, checked beside these.
 */
import { GUID_PATTERN } from "../spec/patterns";

/** The GUID the spec's subscriptions are, inside an id. */
const GUID = GUID_PATTERN.source.replace(/^\^|\$$/g, "");
export const GUID_FORM = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

/** The ARM resource type of each machine kind. */
export const MACHINE_TYPES = {
  vm: "Microsoft.Compute/virtualMachines",
  vmss: "Microsoft.Compute/virtualMachineScaleSets",
  arc: "Microsoft.HybridCompute/machines",
} as const;

/** The ARM resource type of each cluster kind (absent: aks). */
export const CLUSTER_TYPES = {
  aks: "Microsoft.ContainerService/managedClusters",
  arc: "Microsoft.Kubernetes/connectedClusters",
} as const;

type Types = Readonly<Record<string, string>>;

/** ARM compares ids without case: `resourcegroups` and `microsoft.compute` are the same id. */
function idForm(type: string): RegExp {
  return new RegExp(`^/subscriptions/${GUID}/resourceGroups/[^/]+/providers/${type.replace(/\./g, "\\.")}/[^/]+$`, "i");
}

function formsOf<T extends Types>(types: T): { readonly [K in keyof T]: RegExp } {
  return Object.fromEntries(Object.entries(types).map(([kind, type]) => [kind, idForm(type)])) as { [K in keyof T]: RegExp };
}

export const MACHINE_ID_FORMS = formsOf(MACHINE_TYPES);
export const CLUSTER_ID_FORMS = formsOf(CLUSTER_TYPES);

/** The forms as a person reads them, for the message. */
function described(types: Types): string {
  const forms = Object.entries(types).map(([kind, type]) => `${type} (kind ${kind})`);
  return `must be /subscriptions/<subscription GUID>/resourceGroups/<group>/providers/<type>/<name>, <type> ${forms.slice(0, -1).join(", ")} or ${forms[forms.length - 1]}`;
}

/** Where an id departs from the forms: the message quotes the id cut short, so it names the segment. */
function departure(id: string, types: Types): string {
  const parts = id.split("/");
  const at = (i: number) => JSON.stringify(parts[i] ?? "");
  if (!GUID_PATTERN.test(parts[2] ?? "")) return `${at(2)} is not a GUID`;
  if (parts[3]?.toLowerCase() !== "resourcegroups") return `${at(3)} stands where "resourceGroups" must`;
  if (parts[5]?.toLowerCase() !== "providers") return `${at(5)} stands where "providers" must`;
  const type = parts.slice(6, 8).join("/");
  if (!Object.values(types).some((t) => t.toLowerCase() === type.toLowerCase())) return `${JSON.stringify(type)} is not one of these types`;
  return `it has ${parts.length - 1} segments, not 8`;
}

/** What is wrong with the form of an id that should be one of `types`, or undefined. */
function formProblem(types: Types, forms: Readonly<Record<string, RegExp>>): (id: string) => string | undefined {
  const all = Object.values(forms);
  const message = described(types);
  return (id) => (all.some((form) => form.test(id)) ? undefined : `${message}: ${departure(id, types)}`);
}

export const machineIdFormProblem = formProblem(MACHINE_TYPES, MACHINE_ID_FORMS);
export const clusterIdFormProblem = formProblem(CLUSTER_TYPES, CLUSTER_ID_FORMS);

/** What is wrong with a kind given the id's resource type, or undefined (the id of another form: its own problem). */
function kindProblem(types: Types, forms: Readonly<Record<string, RegExp>>): (id: string, kind: string) => string | undefined {
  return (id, kind) => {
    if (forms[kind]?.test(id)) return undefined;
    const actual = Object.keys(forms).find((k) => forms[k]!.test(id));
    return actual === undefined ? undefined : `the id is a ${types[actual]} id, whose kind is ${actual}`;
  };
}

export const machineKindProblem = kindProblem(MACHINE_TYPES, MACHINE_ID_FORMS);
export const clusterKindProblem = kindProblem(CLUSTER_TYPES, CLUSTER_ID_FORMS);
