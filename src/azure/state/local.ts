/**
 * The local state backend: journals under a directory, leases as small JSON files created
 * exclusively (O_EXCL) and renewed by replacing them (write + rename). A lease whose holder stopped
 * renewing it is expired; one whose holder was a process on this host that no longer exists is
 * free at once. Leases live in a directory of their own (by default one per host, so two working
 * directories on one machine share them); journals live in the state directory.
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { LeaseRefusedError, type HeldLease, type JournalStore, type LeaseHolder, type StateStore } from "./store";

/** Where local leases live unless ASC_LEASE_DIR says otherwise: one place per host. */
export function defaultLeaseDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ASC_LEASE_DIR || join(tmpdir(), "asc-autoprovision-leases");
}

interface LeaseFile extends LeaseHolder {
  readonly expiresAt: string;
}

export class LocalStateStore implements StateStore {
  readonly description: string;
  private readonly dir: string;

  constructor(
    dir: string,
    private readonly leaseDir: string = defaultLeaseDir(),
  ) {
    this.dir = resolve(dir);
    this.description = dir;
  }

  async prepare(): Promise<void> {
    for (const [what, d] of [["state directory", this.dir], ["lease directory", this.leaseDir]] as const) {
      try {
        makeDirs(d);
        if (!statSync(d).isDirectory()) throw new Error("not a directory");
        // A real write: /proc and read-only mounts accept mkdir of existing paths but not files.
        const probe = join(d, `.probe-${process.pid}`);
        writeFileSync(probe, "");
        unlinkSync(probe);
      } catch (err) {
        throw new Error(`${what} ${d} cannot be written: ${(err as Error).message}`);
      }
    }
  }

  journal(name: string): JournalStore {
    return new LocalJournal(join(this.dir, "journal", name));
  }

  async acquire(name: string, holder: LeaseHolder, seconds: number): Promise<HeldLease> {
    const path = join(this.leaseDir, `${name}.lease`);
    makeDirs(this.leaseDir);
    for (let attempt = 0; attempt < 3; attempt++) {
      const body = JSON.stringify({ ...holder, expiresAt: new Date(Date.now() + seconds * 1000).toISOString() } satisfies LeaseFile);
      try {
        writeFileSync(path, body, { flag: "wx", mode: 0o644 });
        return new LocalLease(name, path, holder.id, seconds);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const current = readLease(path);
      if (current && !isStale(current)) throw new LeaseRefusedError(name, current, `leases in ${this.leaseDir}`, current.expiresAt);
      // Stale (expired, or its process on this host is gone): move it aside, then check we moved that one.
      const aside = `${path}.stale-${holder.id}`;
      try {
        renameSync(path, aside);
      } catch {
        continue;
      }
      const moved = readLease(aside);
      if (moved && current && moved.id !== current.id && !isStale(moved)) {
        // Another run took it over between our read and the rename: give it back.
        try {
          linkSync(aside, path);
        } catch {
          /* someone else holds it now: the next attempt reads them */
        }
      }
      rmSync(aside, { force: true });
    }
    const current = readLease(path);
    throw new LeaseRefusedError(name, current ?? undefined, `leases in ${this.leaseDir}`, current?.expiresAt);
  }

  async breakLease(name: string, id: string): Promise<boolean> {
    const path = join(this.leaseDir, `${name}.lease`);
    const current = readLease(path);
    if (!current) return false;
    if (current.id !== id) throw new LeaseRefusedError(name, current, `leases in ${this.leaseDir}`, current.expiresAt);
    rmSync(path, { force: true });
    return true;
  }
}

/**
 * mkdir -p without Node's recursive mkdir, which spins forever under /proc (it retries ENOENT): the
 * missing directories are made one by one, so /proc's refusal surfaces as an error.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) mkdirSync(d);
}

function readLease(path: string): LeaseFile | null {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as LeaseFile;
  } catch {
    return null;
  }
}

function isStale(l: LeaseFile): boolean {
  if (!(Date.parse(l.expiresAt) > Date.now())) return true;
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

class LocalLease implements HeldLease {
  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly id: string,
    private readonly seconds: number,
  ) {}

  async renew(): Promise<void> {
    const current = readLease(this.path);
    if (!current || current.id !== this.id) throw new Error(`lost the lease on ${this.name}: ${current ? `now held by ${current.command} (lease id ${current.id})` : "it was broken"}`);
    const tmp = `${this.path}.${this.id}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...current, expiresAt: new Date(Date.now() + this.seconds * 1000).toISOString() }), { mode: 0o644 });
    renameSync(tmp, this.path);
  }

  async release(): Promise<void> {
    const current = readLease(this.path);
    if (current?.id === this.id) rmSync(this.path, { force: true });
  }
}

/** A journal file: appended and fsynced line by line; a torn last line is cut before appending. */
export class LocalJournal implements JournalStore {
  private fd: number | undefined;

  constructor(readonly where: string) {}

  async load(): Promise<string> {
    return this.loadSync();
  }

  loadSync(): string {
    if (!existsSync(this.where)) return "";
    const text = readFileSync(this.where, "utf8");
    const end = text.lastIndexOf("\n") + 1;
    if (end === text.length) return text;
    // A torn last line (kill -9, disk full): cut it, so the next record starts on a line of its own.
    const fd = openSync(this.where, "r+");
    try {
      ftruncateSync(fd, Buffer.byteLength(text.slice(0, end)));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return text.slice(0, end);
  }

  async append(text: string): Promise<void> {
    this.appendSync(text);
  }

  appendSync(text: string): void {
    if (this.fd === undefined) {
      makeDirs(dirname(this.where));
      this.fd = openSync(this.where, "a+");
      if (!endsWithNewline(this.fd)) writeSync(this.fd, "\n");
    }
    writeSync(this.fd, text);
    fsyncSync(this.fd);
  }

  async archive(keep: number): Promise<void> {
    this.archiveSync(keep);
  }

  archiveSync(keep: number): void {
    this.close();
    if (existsSync(this.where)) renameSync(this.where, `${this.where}.${Date.now()}.done`);
    const prefix = basename(this.where) + ".";
    const completed = readdirSync(dirname(this.where))
      .map((name) => ({ name, at: name.startsWith(prefix) && name.endsWith(".done") ? Number(name.slice(prefix.length, -".done".length)) : NaN }))
      .filter((f) => Number.isSafeInteger(f.at))
      .sort((a, b) => b.at - a.at);
    for (const f of completed.slice(keep)) rmSync(join(dirname(this.where), f.name), { force: true });
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Whether the file behind fd is empty or ends with a newline (a file written by another run may not). */
function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}
