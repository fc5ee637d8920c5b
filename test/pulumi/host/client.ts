/**
 * The dynamic-provider host as the engine runs it: `node @pulumi/pulumi/cmd/dynamic-provider
 * <engine address>` in a child process, the port read from its first stdout line, and the SDK's
 * own gRPC stubs (ResourceProviderClient, provider_pb, google-protobuf Struct) to call it. The one
 * addition (unless `typescript: false`) is a `-r` hook that compiles .ts: the `__provider` captured
 * under jest points at the TypeScript sources.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";

/** Property bags: plain JSON as the host converts it. */
export type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- host properties are JSON inspected ad hoc

export const RECONCILIATION_URN = "urn:pulumi:test::asc-autoprovision::asc-autoprovision:index:AutoProvisioning$pulumi-nodejs:dynamic/asc-autoprovision:AgentReconciliation::asc-agents";

/** status_pb ships without typings: the two calls used here. */
interface StatusModule {
  Status: { deserializeBinary(bytes: Uint8Array): { getMessage(): string; getDetailsList(): { unpack<T>(des: (b: Uint8Array) => T, name: string): T | null }[] } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- no typings to import it with
const statusPb = require("@pulumi/pulumi/proto/status_pb") as StatusModule;

export interface DiffAnswer {
  readonly changes: "none" | "some" | "unknown";
  readonly replaces: string[];
  readonly deleteBeforeReplace: boolean;
  /** What the Node host never sets (reference §2.2), read to show it. */
  readonly diffs: string[];
  readonly hasDetailedDiff: boolean;
}

/** A failed Create/Update: the message, and the partial state when the provider gave one. */
export class HostError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly initFailed?: { id: string; properties: Props; reasons: string[] },
  ) {
    super(message);
  }
}

const struct = (value: Props): Struct => Struct.fromJavaScript(value as Record<string, JavaScriptValue>);

function hostError(err: grpc.ServiceError): HostError {
  const bin = err.metadata?.get("grpc-status-details-bin")[0];
  if (!bin) return new HostError(err.details, err.code);
  const status = statusPb.Status.deserializeBinary(bin as Buffer);
  for (const any of status.getDetailsList()) {
    const detail = any.unpack((b) => pb.ErrorResourceInitFailed.deserializeBinary(b), "pulumirpc.ErrorResourceInitFailed");
    if (detail) return new HostError(err.details, err.code, { id: detail.getId(), properties: detail.getProperties()?.toJavaScript() ?? {}, reasons: detail.getReasonsList() });
  }
  return new HostError(err.details, err.code);
}

function call<Req, Res>(fn: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => fn(req, (err, res) => (err ? reject(hostError(err)) : resolve(res))));
}

export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
    private readonly errText: () => string,
  ) {}

  /** Spawns the host with `env` (the engine passes its own environment) and connects. */
  static async start(env: NodeJS.ProcessEnv, options: { typescript?: boolean; cwd?: string } = {}): Promise<ProviderHost> {
    const main = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
    const hook = options.typescript === false ? [] : ["-r", join(__dirname, "registerTs.js")];
    const child = spawn(process.execPath, [...hook, main, "127.0.0.1:1"], { env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const line = /^(\d+)\s*\n/.exec(out);
        if (line) resolve(Number(line[1]));
      });
      child.on("exit", (code) => reject(new Error(`the host exited (${code}) before printing its port: ${err}`)));
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, client, () => err);
  }

  stderr(): string {
    return this.errText();
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGTERM");
    await exited;
  }

  async check(olds: Props, news: Props): Promise<{ inputs: Props; failures: { property: string; reason: string }[] }> {
    const req = new pb.CheckRequest().setUrn(RECONCILIATION_URN).setOlds(struct(olds)).setNews(struct(news));
    const res = await call<pb.CheckRequest, pb.CheckResponse>(this.client.check.bind(this.client), req);
    return { inputs: res.getInputs()?.toJavaScript() ?? {}, failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
  }

  async diff(id: string, olds: Props, news: Props): Promise<DiffAnswer> {
    const req = new pb.DiffRequest().setId(id).setUrn(RECONCILIATION_URN).setOlds(struct(olds)).setNews(struct(news));
    const res = await call<pb.DiffRequest, pb.DiffResponse>(this.client.diff.bind(this.client), req);
    const changes = { [pb.DiffResponse.DiffChanges.DIFF_NONE]: "none", [pb.DiffResponse.DiffChanges.DIFF_SOME]: "some", [pb.DiffResponse.DiffChanges.DIFF_UNKNOWN]: "unknown" } as const;
    return {
      changes: changes[res.getChanges()],
      replaces: res.getReplacesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
      diffs: res.getDiffsList(),
      hasDetailedDiff: res.getHasdetaileddiff(),
    };
  }

  async create(props: Props): Promise<{ id: string; properties: Props }> {
    const req = new pb.CreateRequest().setUrn(RECONCILIATION_URN).setProperties(struct(props));
    const res = await call<pb.CreateRequest, pb.CreateResponse>(this.client.create.bind(this.client), req);
    return { id: res.getId(), properties: res.getProperties()?.toJavaScript() ?? {} };
  }

  async read(id: string, props: Props, inputs: Props): Promise<{ id: string; properties: Props; inputs: Props | undefined }> {
    const req = new pb.ReadRequest().setId(id).setUrn(RECONCILIATION_URN).setProperties(struct(props)).setInputs(struct(inputs));
    const res = await call<pb.ReadRequest, pb.ReadResponse>(this.client.read.bind(this.client), req);
    return { id: res.getId(), properties: res.getProperties()?.toJavaScript() ?? {}, inputs: res.getInputs()?.toJavaScript() };
  }

  async update(id: string, olds: Props, news: Props): Promise<Props> {
    const req = new pb.UpdateRequest().setId(id).setUrn(RECONCILIATION_URN).setOlds(struct(olds)).setNews(struct(news));
    const res = await call<pb.UpdateRequest, pb.UpdateResponse>(this.client.update.bind(this.client), req);
    return res.getProperties()?.toJavaScript() ?? {};
  }

  async delete(id: string, props: Props): Promise<void> {
    const req = new pb.DeleteRequest().setId(id).setUrn(RECONCILIATION_URN).setProperties(struct(props));
    await call(this.client.delete.bind(this.client), req);
  }
}
