/**
 * Leases as files in one directory per host that every OS user on it shares: mode 1777, sticky as
 * /tmp is, so each user can create lease files there but only a file's owner can replace or delete
 * it. A lease file is written whole and linked into place, which fails if the name exists: at most
 * one run creates it. A lease is not taken over by deleting the stale file (another user's, in a
 * sticky directory, cannot be deleted) but by superseding it: `NAME.lease`, then `NAME.lease.1`,
 * `NAME.lease.2`, ...; the highest generation present is the lease. A run takes the next one only
 * when the highest is stale (expired, or its process on this host is gone); the files it supersedes
 * are deleted where the run may (its own, or any as root) and are otherwise ignored.
 */
import { chmodSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { LeaseRefusedError, type HeldLease, type LeaseHolder } from "./store";

/** rwx for everyone, sticky: what /tmp has. */
const SHARED_DIR_MODE = 0o1777;
/** Read by every user (a refused run names the holder), written by its owner only. */
const LEASE_FILE_MODE = 0o644;

/** Where local leases live unless ASC_LEASE_DIR says otherwise: one place per host, shared by its users. */
export function defaultLeaseDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ASC_LEASE_DIR || join(tmpdir(), "asc-autoprovision-leases");
}

/**
 * Makes the lease directory shared (1777) when this run creates it, or when it is the default one,
 * this user owns it and an earlier version made it 0755 (which locked every other user out).
 * A directory another user owns is left as it is: the error, if any, says who can fix it.
 */
export function prepareLeaseDir(dir: string, isDefault: boolean): void {
  try {
    mkdirSync(dir);
    chmodSync(dir, SHARED_DIR_MODE);
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const st = lstatSync(dir);
  // A symlink planted in /tmp would send every user's leases elsewhere.
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory${st.isSymbolicLink() ? " (a symbolic link)" : ""}`);
  const uid = process.getuid?.();
  if (isDefault && uid !== undefined && st.uid === uid && (st.mode & 0o7777) !== SHARED_DIR_MODE) chmodSync(dir, SHARED_DIR_MODE);
}

/** Why a lease directory cannot be written, with who can fix it. */
export function leaseDirAdvice(dir: string): string {
  try {
    const st = statSync(dir);
    if (st.uid === process.getuid?.()) return "";
    return ` (it belongs to uid ${st.uid}, mode ${(st.mode & 0o7777).toString(8)}; every user on this host needs to write it: that user or root can \`chmod 1777 ${dir}\`, or set ASC_LEASE_DIR to a directory all of them can write)`;
  } catch {
    return "";
  }
}

interface LeaseFile extends LeaseHolder {
  readonly expiresAt: string;
}

/** One generation of a lease on disk. `holder` is undefined when its text cannot be read or parsed. */
interface Generation {
  readonly gen: number;
  readonly path: string;
  readonly holder: LeaseFile | undefined;
  /** When an unreadable file counts as stale: its last write plus a lease's length. */
  readonly unreadableUntil: number;
}

export class LeaseDir {
  constructor(readonly dir: string) {}

  path(name: string, gen: number): string {
    return join(this.dir, gen === 0 ? `${name}.lease` : `${name}.lease.${gen}`);
  }

  /** The generations of `name` present, highest first. */
  generations(name: string): number[] {
    const prefix = `${name}.lease`;
    const gens: number[] = [];
    for (const f of readdirSync(this.dir)) {
      if (f === prefix) gens.push(0);
      else if (f.startsWith(`${prefix}.`) && /^[1-9]\d*$/.test(f.slice(prefix.length + 1))) gens.push(Number(f.slice(prefix.length + 1)));
    }
    return gens.sort((a, b) => b - a);
  }

  /** The lease of `name` (its highest generation), undefined when free, null when it vanished while read (read again). */
  current(name: string, seconds: number): Generation | undefined | null {
    const gen = this.generations(name)[0];
    if (gen === undefined) return undefined;
    return this.read(name, gen, seconds);
  }

  read(name: string, gen: number, seconds: number): Generation | null {
    const path = this.path(name, gen);
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch {
      return null;
    }
    let holder: LeaseFile | undefined;
    try {
      holder = JSON.parse(readFileSync(path, "utf8")) as LeaseFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    }
    return { gen, path, holder, unreadableUntil: mtime + seconds * 1000 };
  }

  /** Writes `body` whole, readable by all, and links it in as `name`'s generation `gen`; false when that exists. */
  create(name: string, gen: number, body: LeaseFile): boolean {
    const tmp = join(this.dir, `.${name}.${body.id}.tmp`);
    writeLeaseFile(tmp, body);
    try {
      linkSync(tmp, this.path(name, gen));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      return false;
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  /** Deletes the generations below `gen` this user may delete (superseded: nobody holds them). */
  prune(name: string, gen: number): void {
    for (const g of this.generations(name).filter((x) => x < gen)) {
      try {
        unlinkSync(this.path(name, g));
      } catch {
        /* another user's in a sticky directory, or gone: it stays superseded */
      }
    }
  }

  refusal(name: string, current: Generation | undefined): LeaseRefusedError {
    return new LeaseRefusedError(name, current?.holder, `leases in ${this.dir}`, current?.holder?.expiresAt);
  }
}

function writeLeaseFile(path: string, body: LeaseFile): void {
  writeFileSync(path, JSON.stringify(body), { mode: LEASE_FILE_MODE });
  // Whatever the umask: a lease other users cannot read would look free to them, or be held forever.
  chmodSync(path, LEASE_FILE_MODE);
}

export function isStale(g: Generation, now = Date.now()): boolean {
  const l = g.holder;
  if (!l) return now > g.unreadableUntil;
  if (!(Date.parse(l.expiresAt) > now)) return true;
  if (l.host === hostname() && l.pid !== process.pid) {
    try {
      process.kill(l.pid, 0);
    } catch (err) {
      // ESRCH: no such process. EPERM: it exists (another user's).
      return (err as NodeJS.ErrnoException).code === "ESRCH";
    }
  }
  return false;
}

/** Takes `name`'s lease for `holder`, or throws LeaseRefusedError naming who holds it. */
export function acquireLease(dir: LeaseDir, name: string, holder: LeaseHolder, seconds: number): HeldLease {
  let current: Generation | undefined | null;
  for (let attempt = 0; attempt < 5; attempt++) {
    current = dir.current(name, seconds);
    if (current === null) continue;
    if (current && !isStale(current)) throw dir.refusal(name, current);
    const gen = current ? current.gen + 1 : 0;
    if (!dir.create(name, gen, { ...holder, expiresAt: expiry(seconds) })) continue;
    // A generation freed by a release can be created again after a higher one appeared: that one wins.
    if (dir.generations(name)[0] !== gen) {
      rmSync(dir.path(name, gen), { force: true });
      continue;
    }
    dir.prune(name, gen);
    return new LocalLease(dir, name, gen, holder.id, seconds);
  }
  throw dir.refusal(name, current ?? undefined);
}

/**
 * Breaks `name`'s lease if `id` holds it: deletes its file, or, when it is another user's (which a
 * sticky directory keeps), supersedes it with an expired generation: its holder's next renewal
 * finds it lost, and the next run takes the lease.
 */
export function breakLease(dir: LeaseDir, name: string, id: string): boolean {
  // An unreadable file names no holder: refused whatever its age, so its length does not matter here.
  const current = dir.current(name, 0);
  if (!current) return false;
  if (current.holder?.id !== id) throw dir.refusal(name, current);
  try {
    // unlink, not rm: rm takes EPERM for a directory and reports ENOTDIR.
    unlinkSync(current.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "EPERM" && code !== "EACCES") throw err;
    dir.create(name, current.gen + 1, { ...current.holder, expiresAt: new Date(0).toISOString() });
  }
  return true;
}

function expiry(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

class LocalLease implements HeldLease {
  constructor(
    private readonly dir: LeaseDir,
    readonly name: string,
    private readonly gen: number,
    private readonly id: string,
    private readonly seconds: number,
  ) {}

  async renew(): Promise<void> {
    const mine = this.dir.read(this.name, this.gen, this.seconds);
    const top = this.dir.current(this.name, this.seconds);
    if (mine?.holder?.id !== this.id || (top && top.gen !== this.gen)) {
      const by = top && top.gen !== this.gen && !isStale(top) ? top.holder : undefined;
      throw new Error(`lost the lease on ${this.name}: ${by ? `now held by ${by.command} (lease id ${by.id})` : "it was broken"}`);
    }
    const tmp = `${mine.path}.${this.id}.tmp`;
    writeLeaseFile(tmp, { ...mine.holder, expiresAt: expiry(this.seconds) });
    // Replacing one's own file is allowed in a sticky directory.
    renameSync(tmp, mine.path);
  }

  async release(): Promise<void> {
    const mine = this.dir.read(this.name, this.gen, this.seconds);
    if (mine?.holder?.id === this.id) rmSync(mine.path, { force: true });
  }
}
