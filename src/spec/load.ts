import { checkDepth, readDocument } from "./files";
import type { Spec } from "./schema";
import { parseSpec } from "./validate";

/** Reads and validates a spec file (YAML or JSON). */
export function loadSpecFile(path: string): Spec {
  return parseSpec(checkDepth(readDocument(path), path));
}
