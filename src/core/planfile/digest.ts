/**
 * The plan file's digest: a SHA-256 of every line before its last, written as that last line, so
 * `apply --plan` can tell a file changed after `plan` wrote it (by hand, by a tool, cut short).
 * Not a signature: whoever can rewrite the file can compute the digest again.
 *
 * The writer hashes the text as it is yielded (no second walk of the plan); the reader hashes the
 * lines as it reads them, each followed by "\n" (the only line end the writer writes; a "\r\n" a
 * checkout converted it to counts as "\n"), holding back the last non-empty line, the digest's.
 */
import { createHash, type Hash } from "node:crypto";
import { CHUNK } from "../render/sink";

const ALGORITHM = "sha256";
const VALUE = `${ALGORITHM}:[0-9a-f]{64}`;

/** The digest's line in each framing (format.ts): the JSON document's last member, or the last NDJSON record. */
export const DIGEST_LINE = {
  json: { write: (digest: string) => `"digest":"${digest}"}\n`, read: new RegExp(`^"digest":"(${VALUE})"\\}$`) },
  ndjson: { write: (digest: string) => `{"record":"digest","digest":"${digest}"}\n`, read: new RegExp(`^\\{"record":"digest","digest":"(${VALUE})"\\}$`) },
} as const;
export type Framing = keyof typeof DIGEST_LINE;

/** Yields the pieces, then the digest line of everything they held. */
export function* withDigest(pieces: Iterable<string>, framing: Framing): Generator<string> {
  const hash = createHash(ALGORITHM);
  for (const piece of pieces) {
    hash.update(piece);
    yield piece;
  }
  yield DIGEST_LINE[framing].write(`${ALGORITHM}:${hash.digest("hex")}`);
}

/** The reader's side: takes every line (without its line end), then says what the last one claims and what the others hash to. */
export class LineDigest {
  private readonly hash: Hash = createHash(ALGORITHM);
  /** Lines taken but not hashed yet: a few KiB per update, not one call per record. */
  private buffer = "";
  private last: string | undefined;
  private blanks = 0;

  line(line: string): void {
    if (line === "") {
      // Blank lines after the last are no part of the file's content; between lines they are.
      this.blanks++;
      return;
    }
    if (this.last !== undefined) this.buffer += this.last + "\n";
    if (this.blanks) this.buffer += "\n".repeat(this.blanks);
    this.blanks = 0;
    this.last = line;
    if (this.buffer.length >= CHUNK) {
      this.hash.update(this.buffer);
      this.buffer = "";
    }
  }

  /** The digest the last line holds (undefined: it is no digest line), and that of the lines before it. */
  finish(framing: Framing): { written: string | undefined; computed: string } {
    const written = this.last === undefined ? undefined : DIGEST_LINE[framing].read.exec(this.last)?.[1];
    return { written, computed: `${ALGORITHM}:${this.hash.update(this.buffer).digest("hex")}` };
  }
}
