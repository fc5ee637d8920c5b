/**
 * The plan file's two framings of the same records (format.ts): one JSON document with a record
 * per line (`--format json`), or NDJSON, one self-describing record per line (`--format ndjson`).
 * Both are produced piece by piece (src/core/render/sink.ts), and end on their digest (digest.ts).
 */
import type { RenderedPlan } from "../render/facts";
import { CHUNK } from "../render/sink";
import { encodePlan, quote, type EncodeOptions, type EncodedPlan } from "./encode";
import { withDigest } from "./digest";
import { RECORD_OF, VALUE_SECTIONS } from "./format";

export function* planJsonPieces(plan: RenderedPlan, options?: EncodeOptions): Generator<string> {
  yield* withDigest(jsonFraming(encodePlan(plan, options)), "json");
}

export function* planNdjsonPieces(plan: RenderedPlan, options?: EncodeOptions): Generator<string> {
  yield* withDigest(ndjsonFraming(encodePlan(plan, options)), "ndjson");
}

// Records are yielded CHUNK characters at a time (sink.ts): a million records are a few thousand pieces, not a million.

function* jsonFraming(encoded: EncodedPlan): Generator<string> {
  const header = JSON.stringify(encoded.header);
  yield header.slice(0, -1) + ",\n";
  for (const section of encoded.sections) {
    if (section.count === 0) {
      yield `"${section.name}":[],\n`;
      continue;
    }
    let chunk = `"${section.name}":[\n` + section.record(0);
    for (let i = 1; i < section.count; i++) {
      chunk += ",\n" + section.record(i);
      if (chunk.length >= CHUNK) {
        yield chunk;
        chunk = "";
      }
    }
    yield chunk + "\n],\n";
  }
  // The document closes on the digest's line (digest.ts).
  yield `"summary":${encoded.summary},\n`;
}

function* ndjsonFraming(encoded: EncodedPlan): Generator<string> {
  yield `{"record":"plan",${JSON.stringify(encoded.header).slice(1)}\n`;
  for (const section of encoded.sections) {
    const { record, value } = RECORD_OF[section.name];
    const line = VALUE_SECTIONS.has(section.name)
      ? (text: string, index: number) => `{"record":"${record}","index":${index},${quote(value!)}:${text}}\n`
      : section.name === "shapes"
        ? (text: string, index: number) => `{"record":"${record}","index":${index}${text === "{}" ? "}" : "," + text.slice(1)}\n`
        : (text: string) => `{"record":"${record}"${text === "{}" ? "}" : "," + text.slice(1)}\n`;
    let chunk = "";
    for (let i = 0; i < section.count; i++) {
      chunk += line(section.record(i), i);
      if (chunk.length >= CHUNK) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk) yield chunk;
  }
  yield `{"record":"summary",${encoded.summary.slice(1)}\n`;
}
