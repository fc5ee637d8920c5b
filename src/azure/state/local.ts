/**
 * The local state backend: journals under the state directory, leases in a directory of their own
 * (by default one per host, shared by its users: two working directories or two OS users on one
 * machine exclude each other; the protocol is in localLease.ts).
 */
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { acquireLease, breakLease, defaultLeaseDir, LeaseDir, leaseDirAdvice, prepareLeaseDir } from "./localLease";
import type { HeldLease, JournalStore, LeaseHolder, StateStore } from "./store";
import { makeDirs } from "../../spec";

export { defaultLeaseDir } from "./localLease";

export class LocalStateStore implements StateStore {
  readonly description: string;
  private readonly dir: string;
  private readonly leases: LeaseDir;
  /** The per-host default (not ASC_LEASE_DIR, not a test's): an earlier version's 0755 is made 1777. */
  private readonly defaultLeases: boolean;

  constructor(dir: string, leaseDir?: string) {
    this.dir = resolve(dir);
    this.description = dir;
    this.defaultLeases = leaseDir === undefined && !process.env.ASC_LEASE_DIR;
    this.leases = new LeaseDir(resolve(leaseDir ?? defaultLeaseDir()));
  }

  async prepare(): Promise<void> {
    for (const [what, d] of [["state directory", this.dir], ["lease directory", this.leases.dir]] as const) {
      try {
        if (d === this.leases.dir) this.ensureLeaseDir();
        else makeDirs(d);
        if (!statSync(d).isDirectory()) throw new Error("not a directory");
        // A real write: /proc and read-only mounts accept mkdir of existing paths but not files.
        const probe = join(d, `.probe-${process.pid}`);
        writeFileSync(probe, "");
        unlinkSync(probe);
      } catch (err) {
        throw new Error(`${what} ${d} cannot be written: ${(err as Error).message}${what === "lease directory" ? leaseDirAdvice(d) : ""}`);
      }
    }
  }

  journal(name: string): JournalStore {
    return new LocalJournal(join(this.dir, "journal", name));
  }

  private ensureLeaseDir(): void {
    makeDirs(dirname(this.leases.dir));
    prepareLeaseDir(this.leases.dir, this.defaultLeases);
  }

  async acquire(name: string, holder: LeaseHolder, seconds: number): Promise<HeldLease> {
    // Made again if it went (a /tmp cleaner) since prepare.
    if (!existsSync(this.leases.dir)) this.ensureLeaseDir();
    return acquireLease(this.leases, name, holder, seconds);
  }

  async breakLease(name: string, id: string): Promise<boolean> {
    return breakLease(this.leases, name, id);
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
