/**
 * One emulator process per state directory, as Azurite refuses a workspace another instance holds:
 * two would share one SQLite file and overwrite each other's emulator.json and admin token.
 *
 * The lock is an operating-system lock, not a file's existence: SQLite's exclusive locking mode on
 * `emulator.lock` keeps an exclusive (fcntl) lock for as long as the connection is open, and the
 * kernel drops it when the process ends however it ends (kill -9 included). So a stale lock cannot
 * exist, and a reused pid (a container restarted with the same pid) cannot keep one. `emulator.pid`,
 * written once the lock is held, only names the holder in the refusal.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openNative, type Db } from "./db";

export const LOCK_FILE = "emulator.lock";
export const PID_FILE = "emulator.pid";

export interface StateLock {
  release(): void;
}

/** The running emulator that holds a directory, as far as its files tell. */
export interface LockHolder {
  readonly pid: number | null;
  /** Its URL from emulator.json, when that file is the holder's (null while it starts). */
  readonly url: string | null;
}

export class StateDirectoryInUse extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
  ) {
    const who = holder.pid !== null ? `the emulator process ${holder.pid}` : "another emulator process";
    const where = holder.url ? ` at ${holder.url}` : " (still starting)";
    const stop = holder.pid !== null ? `Ctrl+C in its terminal, or kill ${holder.pid}` : "Ctrl+C in its terminal";
    super(
      `the state directory '${dir}' is in use by ${who}${where}, which holds ${join(dir, LOCK_FILE)}; ` +
        `stop it first (${stop}), or give this one a --state file in another directory`,
    );
    this.name = "StateDirectoryInUse";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Who holds `dir`: the pid its pid file names (if that process lives) and the URL its emulator.json gives. */
export function lockHolder(dir: string): LockHolder {
  let pid: number | null = null;
  try {
    const n = Number(readFileSync(join(dir, PID_FILE), "utf8").trim());
    if (Number.isInteger(n) && n > 0 && alive(n)) pid = n;
  } catch {
    // No pid file yet: the holder is between taking the lock and writing it.
  }
  const info = readJson(join(dir, "emulator.json"));
  const url = pid !== null && info?.["pid"] === pid && typeof info["url"] === "string" ? info["url"] : null;
  return { pid, url };
}

/** Takes `dir`'s lock for this process, or throws StateDirectoryInUse naming the holder. */
export function lockStateDirectory(dir: string): StateLock {
  // timeout 0: a held lock is an answer, not something to wait for.
  let db: Db | undefined = openNative(join(dir, LOCK_FILE), { timeout: 0 });
  try {
    // Nothing is ever written: no journal file beside it.
    db.pragma("journal_mode = MEMORY");
    db.pragma("locking_mode = EXCLUSIVE");
    // In exclusive locking mode the lock this takes is kept after COMMIT, until close.
    db.exec("BEGIN EXCLUSIVE; COMMIT;");
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === "SQLITE_BUSY") throw new StateDirectoryInUse(dir, lockHolder(dir));
    throw err;
  }
  writeFileSync(join(dir, PID_FILE), `${process.pid}\n`);
  return {
    release: () => {
      if (!db) return;
      rmSync(join(dir, PID_FILE), { force: true });
      db.close();
      db = undefined;
    },
  };
}
