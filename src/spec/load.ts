import { checkDepth, documentOf, readText } from "./files";
import type { Spec } from "./schema";
import { parseSpec } from "./validate";

/** Reads and validates a spec file (YAML or JSON). */
export function loadSpecFile(path: string): Spec {
  return specOfText(readText(path), path);
}

/** Validates a spec file's text, read already (`reconcile --watch` reads it before each round). */
export function specOfText(text: string, path: string): Spec {
  return parseSpec(checkDepth(documentOf(text, path), path));
}
