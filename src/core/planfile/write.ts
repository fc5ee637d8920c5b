/**
 * The plan file's two framings of the same records (format.ts): one JSON document with a record
 * per line (`--format json`), or NDJSON, one self-describing record per line (`--format ndjson`).
 * Both are produced piece by piece (src/core/render/sink.ts).
 */
import type { RenderedPlan } from "../render/facts";
import { CHUNK } from "../render/sink";
import { encodePlan, quote, type EncodeOptions, type EncodedPlan } from "./encode";
import { RECORD_OF, VALUE_SECTIONS } from "./format";

export function* planJsonPieces(plan: RenderedPlan, options?: EncodeOptions): Generator<string> {
  yield* jsonFraming(encodePlan(plan, options));
}

export function* planNdjsonPieces(plan: RenderedPlan, options?: EncodeOptions): Generator<string> {
  yield* ndjsonFraming(encodePlan(plan, options));
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
  yield `"summary":${encoded.summary}}\n`;
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
