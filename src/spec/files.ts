/**
 * Reading YAML or JSON documents from disk with errors that name the file (and line, for YAML).
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";

export class DocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DocumentError";
  }
}

/** Reads a file as JSON (.json) or YAML (anything else; JSON is valid YAML too). */
export function readDocument(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new DocumentError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseDocument(text, path);
}

export function parseDocument(text: string, source: string): unknown {
  if (extname(source).toLowerCase() === ".json") {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new DocumentError(`${source} is not valid JSON: ${(err as Error).message}`);
    }
  }
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
