/**
 * What each api-version of Arc machines' extensions (`Microsoft.HybridCompute/machines/extensions`)
 * defines: ARM's provider reads a request and writes an answer through the model of the request's
 * api-version, so a property that version does not define is dropped on a write and absent from a
 * read. Only the properties later versions added are listed, with the first version that defines
 * them (Microsoft's published specifications, as Azure/bicep-types-az generates them per version:
 * `MachineExtensionProperties` has no `enableAutomaticUpgrade` up to 2021-06-10-preview, which
 * includes 2021-05-20, the version @azure/arm-hybridcompute 3.x targets; 2021-12-10-preview adds it,
 * and every later version keeps it, through HybridCompute 2024-07-10 kept in specs/).
 */
import { isObject, type JsonObject } from "../util/json";

const INTRODUCED_IN: Readonly<Record<string, string>> = {
  enableAutomaticUpgrade: "2021-12-10-preview",
};

/** The date part orders api-versions (a preview and a stable of one date define the same here). */
const dateOf = (apiVersion: string): string => apiVersion.slice(0, 10);

/** The extension properties `apiVersion` does not define. */
export function arcExtensionPropertiesUndefinedAt(apiVersion: string): string[] {
  return Object.entries(INTRODUCED_IN)
    .filter(([, since]) => dateOf(apiVersion) < dateOf(since))
    .map(([name]) => name);
}

/** A copy of an extension document (or body) without the properties `apiVersion` does not define; the same object when none is dropped. */
export function asDefinedAt(doc: JsonObject, apiVersion: string): JsonObject {
  const props = doc["properties"];
  const dropped = arcExtensionPropertiesUndefinedAt(apiVersion).filter((p) => isObject(props) && p in props);
  if (!dropped.length || !isObject(props)) return doc;
  const kept = { ...props };
  for (const p of dropped) delete kept[p];
  return { ...doc, properties: kept };
}
