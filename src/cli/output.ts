/**
 * Writing a command's output as it is produced: to standard output (waiting when the reader is
 * slow), or to a file that appears only once complete (written beside it, then renamed), so an
 * error or a kill never leaves half a plan where a pipeline expects a whole one.
 */
import { createReadStream, statSync } from "node:fs";
import { dirname } from "node:path";
import { pipe, writeFileAtomically, type ChunkWriter, type Pieces } from "../core";
import { CliError } from "./errors";

/** Writes the pieces to `path` (complete or not at all); a failure names the option and the file. */
export async function writeOutputFile(path: string, pieces: Pieces, option = "--out"): Promise<void> {
  checkWritable(path, option);
  try {
    await writeFileAtomically(path, pieces);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw code ? new CliError(`${option} ${path}: cannot write it (${code})`) : err;
  }
}

/** Writes the pieces to the command's standard output. */
export function writeStdout(pieces: Pieces, stdout: ChunkWriter): Promise<void> {
  return pipe(pieces, stdout);
}

/**
 * Copies a file just written (the plan `--out` wrote, when stdout wants the same text) to the
 * command's standard output: its text is read back, not encoded a second time.
 */
export async function copyFileToStdout(path: string, stdout: ChunkWriter): Promise<void> {
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 16 });
  for await (const chunk of stream as AsyncIterable<string>) {
    const wait = stdout(chunk);
    if (wait instanceof Promise) await wait;
  }
}

/** A path that names a directory, or sits in a missing one, is refused before anything is computed. */
export function checkWritable(path: string, option: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    try {
      if (!statSync(dirname(path)).isDirectory()) throw new CliError(`${option} ${path}: ${dirname(path)} is not a directory`);
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(`${option} ${path}: the directory ${dirname(path)} does not exist`);
    }
    return;
  }
  if (st.isDirectory()) throw new CliError(`${option} ${path}: is a directory (give a file name)`);
}
