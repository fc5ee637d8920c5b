/**
 * Files that hold secrets (the state: workspace keys and the token-signing key; the TLS key; the
 * admin token) are the owner's alone, 0600, whatever the umask or an older version left. The state
 * path is checked before anything is written, so a bad `--state` leaves nothing behind.
 */
import { accessSync, chmodSync, closeSync, constants, existsSync, openSync, statSync, writeFileSync, type Stats } from "node:fs";
import { dirname } from "node:path";
import { makeDirs } from "../../spec";

const PRIVATE = 0o600;

/** Writes a file only its owner can read (also when it existed with a wider mode). */
export function writePrivateFile(path: string, content: string): void {
  writeFileSync(path, content, { mode: PRIVATE });
  chmodSync(path, PRIVATE);
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isFIFO()) return "a named pipe";
  if (st.isSocket()) return "a socket";
  return "not a file";
}

/**
 * Checks that `statePath` is (or can become) a regular file in a writable directory, then
 * creates it 0600 and tightens an existing one and SQLite's companions (which SQLite creates with
 * the database file's mode). Throws an Error naming the path and what is wrong.
 */
export function prepareStateFile(statePath: string): void {
  const st = statOf(statePath);
  if (st && !st.isFile()) throw new Error(`the state path '${statePath}' is not a regular file (it is ${kindOf(st)}); give a file path in a writable directory`);
  const dir = dirname(statePath);
  const dst = statOf(dir);
  if (dst && !dst.isDirectory()) throw new Error(`the state file's directory '${dir}' is not a directory`);
  try {
    if (!dst) makeDirs(dir);
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new Error(`the state file's directory '${dir}' cannot be created or written: ${err instanceof Error ? err.message : String(err)}`);
  }
  closeSync(openSync(statePath, "a", PRIVATE));
  for (const f of [statePath, `${statePath}-wal`, `${statePath}-shm`, `${statePath}-journal`]) if (existsSync(f)) chmodSync(f, PRIVATE);
}
