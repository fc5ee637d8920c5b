/**
 * The Azure Storage state backend against Azurite (Microsoft's storage emulator, from npm): leases
 * are blob leases (refused naming the holder, expired when the holder stops renewing, broken by
 * --force-unlock), journals are append blobs (resumed by another runner, archived when complete).
 */
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { Journal } from "../../src/azure/journal";
import { beginRun, LeaseRefusedError, newHolder, openStateStore } from "../../src/azure/state";
import { BlobStateStore, parseBlobUrl } from "../../src/azure/state/blob";
import type { Step } from "../../src/core";
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, type RunningAzurite } from "../helpers/azurite";

jest.setTimeout(180_000);

const SUBS = ["11111111-0000-0000-0000-000000000001", "22222222-0000-0000-0000-000000000002"];
const step = (id: string): Step => ({ id, action: "set-pricing", target: `/subscriptions/s/providers/Microsoft.Security/pricings/${id}`, dependsOn: [], details: {} }) as unknown as Step;

let azurite: RunningAzurite;
let service: BlobServiceClient;

function blobStore(container: string, prefix?: string) {
  const url = azurite.stateUrl(container, prefix);
  return new BlobStateStore(url, parseBlobUrl(url), service);
}

beforeAll(async () => {
  azurite = await startAzurite();
  service = new BlobServiceClient(`${azurite.url}/${AZURITE_ACCOUNT}`, new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY));
});
afterAll(() => azurite?.stop());

describe("--state URLs", () => {
  it("parse host-style (Azure) and path-style (Azurite) container URLs", () => {
    expect(parseBlobUrl("https://acct.blob.core.windows.net/tfstate/asc/prod")).toEqual({ serviceUrl: "https://acct.blob.core.windows.net", account: "acct", container: "tfstate", prefix: "asc/prod/" });
    expect(parseBlobUrl("http://127.0.0.1:10000/devstoreaccount1/state")).toEqual({ serviceUrl: "http://127.0.0.1:10000/devstoreaccount1", account: "devstoreaccount1", container: "state", prefix: "" });
    expect(() => parseBlobUrl("https://acct.blob.core.windows.net/Bad_Name")).toThrow(/not a container name/);
    expect(() => parseBlobUrl("https://acct.blob.core.windows.net/")).toThrow(/expected https:\/\/ACCOUNT/);
  });
});

describe("blob leases", () => {
  it("a second run is refused with the holder's name; releasing frees it", async () => {
    const s = blobStore("leases-refused");
    const first = await beginRun({ state: "", store: s, subscriptions: SUBS, command: "apply" });
    const refused = await beginRun({ state: "", store: blobStore("leases-refused"), subscriptions: [SUBS[1]!], command: "reconcile" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LeaseRefusedError);
    expect((refused as Error).message).toContain(`locked by apply (pid ${process.pid}`);
    expect((refused as Error).message).toContain(`lease id ${first.lease.holder.id}`);
    await first.end();
    await (await beginRun({ state: "", store: s, subscriptions: SUBS, command: "reconcile" })).end();
  });

  it("a holder that stopped renewing (a killed runner) loses the lease when it expires", async () => {
    const s = blobStore("leases-expire");
    await s.prepare();
    // Taken for 15 s (the shortest blob lease) and never renewed.
    await s.acquire("subscription-dead", newHolder("apply"), 15);
    await expect(s.acquire("subscription-dead", newHolder("apply"), 15)).rejects.toBeInstanceOf(LeaseRefusedError);
    await new Promise((r) => setTimeout(r, 16_000));
    await (await s.acquire("subscription-dead", newHolder("apply"), 15)).release();
  });

  it("--force-unlock breaks the named holder's lease, not another's", async () => {
    const s = blobStore("leases-force");
    await s.prepare();
    const stuck = newHolder("apply");
    await s.acquire("subscription-f", stuck, 60);
    await expect(s.breakLease("subscription-f", "00000000-0000-0000-0000-000000000000")).rejects.toThrow(/locked by apply/);
    expect(await s.breakLease("subscription-f", stuck.id)).toBe(true);
    await (await s.acquire("subscription-f", newHolder("apply"), 60)).release();
  });
});

describe("blob leases of a watch whose scope grows", () => {
  it("joining subscriptions' leases are taken all or none, renewed with the others past their 15 s, and released when they leave", async () => {
    const [a, b, c] = ["aaaaaaaa-0000-0000-0000-000000000001", "bbbbbbbb-0000-0000-0000-000000000002", "cccccccc-0000-0000-0000-000000000003"];
    const s = blobStore("leases-grow");
    const watch = await beginRun({ state: "", store: s, subscriptions: [], resolvedSubscriptions: [a], managementGroups: ["contoso-prod"], command: "reconcile", leaseSeconds: 15 });
    const other = await beginRun({ state: "", store: blobStore("leases-grow"), subscriptions: [c], command: "apply" });
    // c's refused: b's, taken before it, is released again; a's stays held.
    const refused = await watch.takeSubscriptions([b, c]).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LeaseRefusedError);
    expect((refused as Error).message).toContain(`lease id ${other.lease.holder.id}`);
    expect(watch.subscriptions).toEqual([a]);
    await (await beginRun({ state: "", store: blobStore("leases-grow"), subscriptions: [b], command: "apply" })).end();
    await expect(beginRun({ state: "", store: blobStore("leases-grow"), subscriptions: [a], command: "apply" })).rejects.toBeInstanceOf(LeaseRefusedError);
    await other.end();
    await watch.takeSubscriptions([b, c]);
    expect(watch.subscriptions).toEqual([a, b, c]);
    // Past the 15 s a blob lease lasts unrenewed: still held.
    await new Promise((r) => setTimeout(r, 17_000));
    for (const sub of [a, b, c]) await expect(beginRun({ state: "", store: blobStore("leases-grow"), subscriptions: [sub], command: "apply" })).rejects.toBeInstanceOf(LeaseRefusedError);
    expect(watch.lease.lost.aborted).toBe(false);
    await watch.releaseSubscriptions([c]);
    await (await beginRun({ state: "", store: blobStore("leases-grow"), subscriptions: [c], command: "apply" })).end();
    await watch.end();
  });
});

describe("journals as append blobs", () => {
  it("another runner resumes from the journal; a completed one is archived", async () => {
    process.env.AZURE_STORAGE_KEY = AZURITE_KEY;
    const url = azurite.stateUrl("journals", "team-a");
    const runner1 = await openStateStore(url);
    await runner1.prepare();
    const j1 = await Journal.open(runner1.journal("apply-x.jsonl"));
    await j1.record(step("a"), "sent");
    await j1.record(step("b"), "done");
    // The first runner is gone; another one opens the same container.
    const runner2 = await openStateStore(url);
    const j2 = await Journal.open(runner2.journal("apply-x.jsonl"));
    expect(j2.previous(step("a"))?.event).toBe("sent");
    expect(j2.previous(step("b"))?.event).toBe("done");
    await j2.complete();
    const names: string[] = [];
    for await (const b of service.getContainerClient("journals").listBlobsFlat({ prefix: "team-a/journal/" })) names.push(b.name);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(/^team-a\/journal\/apply-x\.jsonl\.\d+\.done$/);
    expect((await Journal.open(runner2.journal("apply-x.jsonl"))).previous(step("a"))).toBeUndefined();
  });
});
