/**
 * Two OS users on one host share its lease directory (the build in dist/, run as `nobody` and
 * `daemon` through runuser; root only): an earlier version's 0755 directory is made 1777 by its
 * owner, a second user is told who can fix it meanwhile; the users exclude each other; a stale
 * lease of another user is superseded, not deleted (the sticky directory keeps their file theirs);
 * --force-unlock with its id breaks another user's live lease.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";

const DIST = join(__dirname, "../../dist/src/azure/state");
const SUB = "subscription-users13";
/**
 * Root, runuser, and another user able to run this node on this checkout: a node under /root
 * (CI's Node 24 cache) or a clone in a 0700 directory (mktemp -d) is out of their reach, and the
 * suite is skipped there, saying so, rather than failing on a permission the product never needs.
 */
const canSwitchUser =
  process.getuid?.() === 0 &&
  spawnSync("runuser", ["-u", "nobody", "--", "true"]).status === 0 &&
  spawnSync("runuser", ["-u", "nobody", "--", process.execPath, "-e", `require("node:fs").readdirSync(${JSON.stringify(__dirname)})`]).status === 0;
if (!canSwitchUser && process.getuid?.() === 0) console.log(`leaseUsers skipped: user nobody cannot run ${process.execPath} on ${__dirname}`);

/** The child: one lease operation as whichever user runs it, with the default (per-host) lease directory. */
const SCRIPT = `
const { LocalStateStore, newHolder } = require(${JSON.stringify(DIST)});
const [op, name, arg] = process.argv.slice(1);
const s = new LocalStateStore(require("node:path").join(require("node:os").tmpdir(), "state-" + process.getuid()));
(async () => {
  await s.prepare();
  if (op === "prepare") return console.log("ok");
  if (op === "break") return console.log(String(await s.breakLease(name, arg)));
  const holder = newHolder("apply");
  const lease = await s.acquire(name, holder, 60);
  console.log(holder.id);
  if (op === "take") return; // exits holding it: a crashed run
  setInterval(() => lease.renew().catch((e) => { console.log("lost: " + e.message); process.exit(3); }), 100);
})().catch((e) => { console.log("error: " + e.message); process.exit(1); });
`;

(canSwitchUser ? describe : describe.skip)("leases shared by two OS users on one host", () => {
  let tmp: string;
  const leases = () => join(tmp, "asc-autoprovision-leases");
  const args = (user: string, op: string[]) => ["-u", user, "--", process.execPath, "-e", SCRIPT, ...op];
  const env = () => ({ ...process.env, TMPDIR: tmp, ASC_LEASE_DIR: "" });
  const as = (user: string, ...op: string[]) => spawnSync("runuser", args(user, op), { env: env(), encoding: "utf8" }).stdout.trim();
  const hold = (user: string) => {
    const child = spawn("runuser", args(user, ["hold", SUB]), { env: env(), stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const id = new Promise<string>((resolve) => child.stdout.on("data", () => out.includes("\n") && resolve(out.split("\n")[0]!)));
    return { child, id, out: () => out, exit: new Promise<number | null>((r) => child.on("exit", r)) };
  };

  beforeAll(() => {
    if (!existsSync(join(DIST, "index.js"))) throw new Error("build first: npm run build");
    // Like /tmp: every user may create in it.
    tmp = mkdtempSync("/tmp/asc-lease-users-");
    chmodSync(tmp, 0o1777);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("an earlier version's 0755 directory: another user is told who can fix it; its owner's next run makes it 1777", () => {
    mkdirSync(leases(), { mode: 0o755 });
    expect(as("nobody", "prepare")).toMatch(/^error: lease directory .* cannot be written: EACCES.*belongs to uid 0, mode 755.*chmod 1777 /);
    expect(as("root", "prepare")).toBe("ok");
    expect(statSync(leases()).mode & 0o7777).toBe(0o1777);
    expect(as("nobody", "prepare")).toBe("ok");
  });

  it("the users exclude each other; a dead holder's lease is superseded, its file stays its owner's; --force-unlock breaks another user's", async () => {
    // nobody's run dies holding the lease.
    const dead = as("nobody", "take", SUB);
    expect(dead).toMatch(/^[0-9a-f-]{36}$/);
    const held = hold("daemon");
    const id = await held.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // daemon superseded it (a generation above); nobody's file is still there, daemon could not delete it.
    expect(readdirSync(leases()).filter((f) => f.startsWith(SUB)).sort()).toEqual([`${SUB}.lease`, `${SUB}.lease.1`]);
    expect(statSync(join(leases(), `${SUB}.lease.1`)).mode & 0o777).toBe(0o644);
    expect(as("nobody", "take", SUB)).toMatch(new RegExp(`^error: ${SUB} is locked by apply \\(pid \\d+ on .*, user daemon, .*lease id ${id}\\)`));
    expect(as("nobody", "break", SUB, id)).toBe("true");
    expect(await held.exit).toBe(3);
    expect(held.out()).toContain(`lost: lost the lease on ${SUB}: it was broken`);
    const next = as("nobody", "take", SUB);
    expect(next).toMatch(/^[0-9a-f-]{36}$/);
  });
});
