/**
 * The Azure Storage state backend, through the official @azure/storage-blob client, as Terraform's
 * azurerm backend does: each lease is a blob lease (60 s, renewed by its holder, so a holder that
 * died frees it within a minute) on a small blob whose metadata names the holder; each journal is
 * an append blob (every append is one block: durable once acknowledged, never torn); a completed
 * journal is copied to `<name>.<time>.done` and deleted.
 *
 * Credentials: AZURE_STORAGE_KEY (the account key, as `az storage` and Terraform's ARM_ACCESS_KEY
 * take it), else AZURE_STORAGE_SAS_TOKEN, else DefaultAzureCredential (Storage Blob Data
 * Contributor on the container).
 */
import { DefaultAzureCredential } from "@azure/identity";
import { AppendBlobClient, BlobServiceClient, ContainerClient, RestError, StorageSharedKeyCredential } from "@azure/storage-blob";
import type { BlobLocation } from "./location";
import { LeaseRefusedError, type HeldLease, type JournalStore, type LeaseHolder, type StateStore } from "./store";

export { parseBlobUrl, type BlobLocation } from "./location";

export function blobServiceFor(loc: BlobLocation, env: NodeJS.ProcessEnv = process.env): BlobServiceClient {
  // Storage's own retries are kept short: a lease renewal must not wait out a minute of retries.
  const options = { retryOptions: { maxTries: 3, tryTimeoutInMs: 20_000 } };
  if (env.AZURE_STORAGE_KEY) return new BlobServiceClient(loc.serviceUrl, new StorageSharedKeyCredential(loc.account, env.AZURE_STORAGE_KEY), options);
  if (env.AZURE_STORAGE_SAS_TOKEN) return new BlobServiceClient(`${loc.serviceUrl}?${env.AZURE_STORAGE_SAS_TOKEN.replace(/^\?/, "")}`, undefined, options);
  return new BlobServiceClient(loc.serviceUrl, new DefaultAzureCredential(), options);
}

const statusOf = (err: unknown) => (err instanceof RestError ? err.statusCode : (err as { statusCode?: number }).statusCode);

export class BlobStateStore implements StateStore {
  private readonly container: ContainerClient;

  constructor(
    readonly description: string,
    private readonly loc: BlobLocation,
    service: BlobServiceClient = blobServiceFor(loc),
  ) {
    this.container = service.getContainerClient(loc.container);
  }

  async prepare(): Promise<void> {
    try {
      await this.container.createIfNotExists();
    } catch (err) {
      throw new Error(`state container ${this.description} cannot be used: ${(err as Error).message}`);
    }
  }

  journal(name: string): JournalStore {
    return new BlobJournal(this.container, `${this.loc.prefix}journal/${name}`, this.description);
  }

  private leaseBlob(name: string) {
    return this.container.getBlockBlobClient(`${this.loc.prefix}leases/${name}`);
  }

  async acquire(name: string, holder: LeaseHolder, seconds: number): Promise<HeldLease> {
    const blob = this.leaseBlob(name);
    try {
      await blob.upload("", 0, { conditions: { ifNoneMatch: "*" } });
    } catch (err) {
      // 409: it exists (perhaps leased); 412: created meanwhile. Either way, lease it below.
      if (statusOf(err) !== 409 && statusOf(err) !== 412) throw err;
    }
    const lease = blob.getBlobLeaseClient(holder.id);
    try {
      await lease.acquireLease(Math.min(60, Math.max(15, Math.round(seconds))));
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      throw new LeaseRefusedError(name, await this.holderOf(name), `state ${this.description}`);
    }
    await blob.setMetadata(metadataOf(holder), { conditions: { leaseId: holder.id } });
    return {
      name,
      renew: async () => {
        try {
          await lease.renewLease();
        } catch (err) {
          throw new Error(`lost the lease on ${name}: ${(err as Error).message}`);
        }
      },
      release: async () => {
        await lease.releaseLease().catch(() => undefined);
      },
    };
  }

  async breakLease(name: string, id: string): Promise<boolean> {
    const props = await this.leaseBlob(name).getProperties().catch((err) => {
      if (statusOf(err) === 404) return null;
      throw err;
    });
    if (!props || props.leaseState !== "leased") return false;
    const holder = holderFrom(props.metadata);
    if (holder?.id !== id) throw new LeaseRefusedError(name, holder, `state ${this.description}`);
    await this.leaseBlob(name).getBlobLeaseClient().breakLease(0);
    return true;
  }

  private async holderOf(name: string): Promise<LeaseHolder | undefined> {
    const props = await this.leaseBlob(name).getProperties().catch(() => undefined);
    return holderFrom(props?.metadata);
  }
}

/** Metadata values are ASCII header values: the user and host names are URI-encoded. */
function metadataOf(h: LeaseHolder): Record<string, string> {
  return { holderid: h.id, command: h.command, user: encodeURIComponent(h.user), host: encodeURIComponent(h.host), pid: String(h.pid), startedat: h.startedAt };
}

function holderFrom(m: Record<string, string> | undefined): LeaseHolder | undefined {
  if (!m?.holderid) return undefined;
  return { id: m.holderid, command: m.command ?? "?", user: decodeURIComponent(m.user ?? "?"), host: decodeURIComponent(m.host ?? "?"), pid: Number(m.pid ?? 0), startedAt: m.startedat ?? "?" };
}

class BlobJournal implements JournalStore {
  private readonly blob: AppendBlobClient;
  private created = false;
  /** A journal written before whose last line has no newline (a writer from elsewhere): start on a line of our own. */
  private needsNewline = false;

  constructor(
    private readonly container: ContainerClient,
    private readonly name: string,
    description: string,
  ) {
    this.blob = container.getAppendBlobClient(name);
    this.where = `${description.replace(/\/$/, "")}/${name}`;
  }

  readonly where: string;

  async load(): Promise<string> {
    try {
      const text = (await this.blob.downloadToBuffer()).toString("utf8");
      this.created = true;
      const end = text.lastIndexOf("\n") + 1;
      this.needsNewline = end !== text.length;
      return text.slice(0, end);
    } catch (err) {
      if (statusOf(err) === 404) return "";
      throw err;
    }
  }

  async append(text: string): Promise<void> {
    if (!this.created) {
      await this.blob.createIfNotExists({ blobHTTPHeaders: { blobContentType: "application/x-ndjson" } });
      this.created = true;
    }
    const body = (this.needsNewline ? "\n" : "") + text;
    await this.blob.appendBlock(body, Buffer.byteLength(body));
    this.needsNewline = false;
  }

  async archive(keep: number): Promise<void> {
    if (this.created) {
      const text = await this.blob.downloadToBuffer().catch(() => Buffer.alloc(0));
      await this.container.getBlockBlobClient(`${this.name}.${Date.now()}.done`).upload(text, text.length);
      await this.blob.deleteIfExists();
      this.created = false;
    }
    const done: { name: string; at: number }[] = [];
    for await (const b of this.container.listBlobsFlat({ prefix: `${this.name}.` })) {
      const at = Number(b.name.slice(this.name.length + 1, -".done".length));
      if (b.name.endsWith(".done") && Number.isSafeInteger(at)) done.push({ name: b.name, at });
    }
    done.sort((a, b) => b.at - a.at);
    for (const d of done.slice(keep)) await this.container.deleteBlob(d.name).catch(() => undefined);
  }

  close(): void {}
}
