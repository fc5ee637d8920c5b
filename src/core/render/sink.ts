/**
 * Where a renderer's output goes, chunk by chunk: a plan of a million machines is never one
 * string (V8 caps a string at 512 MiB, and building one costs as much as the plan). Renderers
 * yield lines or records; `pipe` gathers them into chunks of about 64 KiB and hands each to the
 * writer, waiting when the writer says it is full (a file or a pipe with back-pressure).
 */

import { createWriteStream, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Takes one chunk; a promise means "wait before the next one" (a stream's back-pressure). Any other result is ignored. */
export type ChunkWriter = (chunk: string) => unknown;

/** Text a renderer produces, piece by piece, in order. */
export type Pieces = Iterable<string>;

/** About how many characters a chunk holds: what `pipe` hands the writer, and how much a renderer that joins its own lines or records yields as one piece. */
export const CHUNK = 1 << 16;

/** Writes every piece to `write`, in chunks; resolves once the last chunk was taken. */
export async function pipe(pieces: Pieces, write: ChunkWriter): Promise<void> {
  let buffer = "";
  for (const piece of pieces) {
    // A piece that is a chunk already (the plan file's and the text's are) is not joined to what is buffered.
    if (buffer && buffer.length + piece.length > CHUNK) {
      const wait = write(buffer);
      buffer = "";
      if (wait instanceof Promise) await wait;
    }
    buffer += piece;
    if (buffer.length >= CHUNK) {
      const wait = write(buffer);
      buffer = "";
      if (wait instanceof Promise) await wait;
    }
  }
  if (buffer) {
    const wait = write(buffer);
    if (wait instanceof Promise) await wait;
  }
}

/** The pieces as one string: for tests, golden files and small outputs only. */
export function joinPieces(pieces: Pieces): string {
  let out = "";
  for (const piece of pieces) out += piece;
  return out;
}

/** A writer over a Node stream: waits for 'drain' when the stream's buffer is full, fails on its error. */
export function streamWriter(stream: NodeJS.WritableStream): (chunk: string) => Promise<void> | undefined {
  return (chunk) => {
    if (stream.write(chunk)) return undefined;
    return new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        stream.removeListener("drain", onDrain);
        stream.removeListener("error", done);
        stream.removeListener("close", onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      // A reader that went away (`| head`) closes the pipe: stop waiting for a drain that never comes.
      const onClose = () => done(Object.assign(new Error("output closed"), { code: "EPIPE" }));
      stream.once("drain", onDrain);
      stream.once("error", done);
      stream.once("close", onClose);
    });
  };
}

/**
 * Writes the pieces to `path`, complete or not at all: into a file beside it, renamed into place
 * once written, so an error or a kill never leaves half a plan where a pipeline expects a whole one.
 */
export async function writeFileAtomically(path: string, pieces: Pieces): Promise<void> {
  const temp = tempFileOf(path, process.pid);
  removeDeadWritersTemps(path);
  const stream = createWriteStream(temp);
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once("open", () => resolve());
      stream.once("error", reject);
    });
    await pipe(pieces, streamWriter(stream));
    await new Promise<void>((resolve, reject) => {
      stream.once("error", reject);
      stream.end(() => resolve());
    });
    renameSync(temp, path);
  } catch (err) {
    stream.destroy();
    rmSync(temp, { force: true });
    throw err;
  }
}

function tempFileOf(path: string, pid: number): string {
  return join(dirname(path), `.${basename(path)}.${pid}.tmp`);
}

/**
 * A writer killed outright (SIGKILL, a lost machine) leaves its hidden temporary file: removed by
 * the next write to the same path, once the process that named it is gone (a live one, a second
 * run writing the same path, keeps its file).
 */
function removeDeadWritersTemps(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(prefix) && name.endsWith(".tmp") ? Number(name.slice(prefix.length, -4)) : NaN;
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    rmSync(join(dirname(path), name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
