/**
 * Reading YAML or JSON documents from disk with errors that name the file (and line, for YAML).
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import type * as Yaml from "yaml";

/** The yaml library, loaded on the first YAML document: JSON specs and inventories, and --help, never need it. */
let yaml: typeof Yaml | undefined;
function yamlLibrary(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load (start-up time, issue 15 item 8)
  return (yaml ??= require("yaml") as typeof Yaml);
}

export class DocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DocumentError";
  }
}

/** Reads a file as JSON (.json) or YAML (anything else; JSON is valid YAML too). */
export function readDocument(path: string): unknown {
  return documentOf(readText(path), path);
}

/** A file's text, or an error naming the file and what a user can do about it. */
export function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new DocumentError(`cannot read ${path}: ${describeReadError(err)}`);
  }
}

/** The document a file's text holds (readDocument, once the text is read: a watch compares it first). */
export function documentOf(text: string, path: string): unknown {
  if (text.trim() === "") throw new DocumentError(`${path} is empty`);
  return parseDocument(text, path);
}

/** What a user can act on, not a bare errno code. */
function describeReadError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "ENOENT (no such file)";
    case "EISDIR":
      return "EISDIR (a directory, not a file)";
    case "EACCES":
    case "EPERM":
      return `${code} (permission denied)`;
    default:
      return code ?? String(err);
  }
}

/** Deeper than this, a document is refused before anything walks it recursively. */
export const MAX_DOCUMENT_DEPTH = 64;

/** The document's nesting depth, counted without recursion (a hostile depth cannot overflow the stack). */
function depthOf(doc: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[doc, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (depth + 1 > max) max = depth + 1;
    if (max > MAX_DOCUMENT_DEPTH) return max;
    for (const child of Object.values(value as object)) stack.push([child, depth + 1]);
  }
  return max;
}

export function parseDocument(text: string, source: string): unknown {
  let doc: unknown;
  try {
    doc = parseText(text, source);
  } catch (err) {
    // The yaml library reports its own stack overflow as a parse error at the point it gave up.
    const overflow = err instanceof RangeError || (err instanceof DocumentError && err.message.includes("Maximum call stack size exceeded"));
    if (overflow) throw new DocumentError(`${source} is nested too deeply to read (more than ${MAX_DOCUMENT_DEPTH} levels)`);
    throw err;
  }
  return doc;
}

/** Refuses a document nested deeper than MAX_DOCUMENT_DEPTH (a spec; an inventory's size makes the walk too dear). */
export function checkDepth(doc: unknown, source: string): unknown {
  if (depthOf(doc) > MAX_DOCUMENT_DEPTH) throw new DocumentError(`${source} is nested too deeply to read (more than ${MAX_DOCUMENT_DEPTH} levels)`);
  return doc;
}

function parseText(text: string, source: string): unknown {
  if (extname(source).toLowerCase() === ".json") {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new DocumentError(`${source} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const { parse: parseYaml, YAMLParseError } = yamlLibrary();
  try {
    // logLevel "error": warnings (an unknown directive, ...) are not for the terminal; errors are thrown.
    return parseYaml(text, { prettyErrors: true, logLevel: "error" });
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const pos = err.linePos?.[0];
      throw new DocumentError(`${source}${pos ? `:${pos.line}:${pos.col}` : ""} is not valid YAML: ${err.message.split("\n")[0]}`);
    }
    // The yaml library also throws plain errors (an unresolved alias is a ReferenceError).
    throw new DocumentError(`${source} is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
}
