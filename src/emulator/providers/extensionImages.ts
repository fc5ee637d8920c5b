/**
 * Microsoft.Compute's VM extension image catalog, read-only: publishers of a location, the
 * extension types of a publisher, their versions and one version
 * (`/subscriptions/{s}/providers/Microsoft.Compute/locations/{l}/publishers[/{p}/artifacttypes/
 * vmextension/types[/{t}/versions[/{v}]]]`). Lists are bare JSON arrays, as the Compute spec
 * declares them. `az vm extension set` without `--version` reads the versions to pick the latest.
 * A region opened after 2024-01-01 lists no Log Analytics agent (MMA/OMS): it refuses its install.
 */
import type { Needs, SpecialRoute } from "../arm/types";
import { API_VERSIONS, requireApiVersion } from "../arm/apiVersions";
import { requireSubscription } from "../arm/scope";
import { ArmErrors } from "../http/errors";
import type { EmuResponse } from "../http/types";
import type { JsonObject } from "../util/json";
import { extensionImagesIn, type ExtensionImage } from "../catalog/extensionImages";

type Deps = Needs<"store">;

const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function entry(id: string, name: string, location: string): JsonObject {
  return { id, name, location };
}

function imageDoc(base: string, image: ExtensionImage, version: string, location: string): JsonObject {
  return {
    ...entry(`${base}/${image.type}/versions/${version}`, version, location),
    properties: { operatingSystem: image.operatingSystem, computeRole: "IaaS", handlerSchema: "", vmScaleSetEnabled: true, supportsMultipleExtensions: false },
  };
}

export const extensionImagesRoute: SpecialRoute<Deps> = (ctx, req): EmuResponse | undefined => {
  const s = req.segments;
  const l = s.map((x) => x.toLowerCase());
  if (l[0] !== "subscriptions" || l[2] !== "providers" || l[3] !== "microsoft.compute" || l[4] !== "locations" || l[6] !== "publishers") return undefined;
  if (l.length > 8 && (l[8] !== "artifacttypes" || l[9] !== "vmextension" || l[10] !== "types")) return undefined;
  if (![7, 11, 13, 14].includes(l.length) || (l.length >= 13 && l[12] !== "versions")) return undefined;
  if (req.method !== "GET") throw ArmErrors.methodNotAllowed(req.method);
  requireApiVersion(req, API_VERSIONS.computeImages);
  requireSubscription(ctx, s[1]!);
  const location = l[5]!;
  const prefix = `/Subscriptions/${s[1]}/Providers/Microsoft.Compute/Locations/${location}/Publishers`;
  req.operation = `GET microsoft.compute/vmextensionimages`;
  const images = extensionImagesIn(location);
  if (l.length === 7) {
    const publishers = [...new Set(images.map((i) => i.publisher))];
    return { status: 200, body: publishers.map((p) => entry(`${prefix}/${p}`, p, location)) as unknown as JsonObject };
  }
  const publisher = s[7]!;
  const ofPublisher = images.filter((i) => eq(i.publisher, publisher));
  const base = `${prefix}/${ofPublisher[0]?.publisher ?? publisher}/ArtifactTypes/VMExtension/Types`;
  if (l.length === 11) return { status: 200, body: ofPublisher.map((i) => entry(`${base}/${i.type}`, i.type, location)) as unknown as JsonObject };
  const image = ofPublisher.find((i) => eq(i.type, s[11]!));
  if (!image) throw ArmErrors.artifactNotFound(`The Artifact: VMExtension ${publisher}:${s[11]} was not found for location: ${location}.`);
  if (l.length === 13) {
    const filter = /^startswith\(name,\s*'([^']*)'\)$/i.exec((req.query.get("$filter") ?? "").trim());
    let versions = image.versions.filter((v) => !filter || v.startsWith(filter[1]!));
    const order = (req.query.get("$orderby") ?? "").toLowerCase();
    if (order === "name desc") versions = [...versions].reverse();
    const top = Number(req.query.get("$top") ?? "");
    if (Number.isInteger(top) && top > 0) versions = versions.slice(0, top);
    return { status: 200, body: versions.map((v) => entry(`${base}/${image.type}/Versions/${v}`, v, location)) as unknown as JsonObject };
  }
  const version = image.versions.find((v) => eq(v, s[13]!));
  if (!version) throw ArmErrors.artifactNotFound(`The Artifact: VMExtension ${publisher}:${image.type}:${s[13]} was not found for location: ${location}.`);
  return { status: 200, body: imageDoc(base, image, version, location) };
};
