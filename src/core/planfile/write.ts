/**
 * The plan file's two framings of the same records (format.ts): one JSON document with a record
 * per line (`--format json`), or NDJSON, one self-describing record per line (`--format ndjson`).
 * Both are produced piece by piece (src/core/render/sink.ts).
 */
import type { RenderedPlan } from "../render/facts";
import { encodePlan, quote, type EncodeOptions, type EncodedPlan } from "./encode";
import { RECORD_OF, VALUE_SECTIONS } from "./format";

export function* planJsonPieces(plan: RenderedPlan, options?: EncodeOptions): Generator<string> {
  yield* jsonFraming(encodePlan(plan, options));
}

export function* planNdjsonPieces(plan: RenderedPlan, options?: EncodeOptions): Generator<string> {
  yield* ndjsonFraming(encodePlan(plan, options));
}

function* jsonFraming(encoded: EncodedPlan): Generator<string> {
  const header = JSON.stringify(encoded.header);
  yield header.slice(0, -1) + ",\n";
  for (const section of encoded.sections) {
    if (section.count === 0) {
      yield `"${section.name}":[],\n`;
      continue;
    }
    yield `"${section.name}":[\n`;
    let first = true;
    for (const record of section.records()) {
      yield first ? record : ",\n" + record;
      first = false;
    }
    yield "\n],\n";
  }
  yield `"summary":${encoded.summary}}\n`;
}

function* ndjsonFraming(encoded: EncodedPlan): Generator<string> {
  yield `{"record":"plan",${JSON.stringify(encoded.header).slice(1)}\n`;
  for (const section of encoded.sections) {
    const { record, value } = RECORD_OF[section.name];
    let index = 0;
    if (VALUE_SECTIONS.has(section.name)) {
      for (const text of section.records()) yield `{"record":"${record}","index":${index++},${quote(value!)}:${text}}\n`;
    } else if (section.name === "shapes") {
      for (const text of section.records()) yield `{"record":"${record}","index":${index++}${text === "{}" ? "}" : "," + text.slice(1)}\n`;
    } else {
      for (const text of section.records()) yield `{"record":"${record}"${text === "{}" ? "}" : "," + text.slice(1)}\n`;
    }
  }
  yield `{"record":"summary",${encoded.summary.slice(1)}\n`;
}
