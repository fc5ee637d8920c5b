/**
 * The local Azure emulator: `startEmulator()` and what a client needs to talk to it.
 * See src/emulator/README.md.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import type { TokenCredential } from "@azure/identity";
import { EmulatorCore, type CoreOptions } from "./core";
import { lockStateDirectory } from "./store/stateLock";
import { listen } from "./server";
import { loadOrCreateCertificate } from "./util/tls";
import { loadFaultConfig, parseFaultConfig, type FaultConfig } from "./faults/config";
import { adminRequest, ADMIN_TOKEN_FILE } from "./admin/client";
import { prepareStateFile, writePrivateFile } from "./util/privateFiles";
import type { FleetSummary } from "./fleet/generator";
import { ARM_SCOPE, DEFAULT_DEFENDER_DELAY_MS, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EMULATOR_TENANT_ID } from "./constants";
import { goClientEnv } from "./goClients";
import { azureCliRecipe, type AzureCliRecipe } from "./azureCli";
import { DEFAULT_POLICY_EVALUATION_DELAY_MS } from "./remediation/evaluation";
import { managementGroupSeedsSchema, type ManagementGroupSeed } from "./fleet/managementGroups";
import { MACHINE_TYPES } from "./model/resourceTypes";

export * from "./constants";
export { StateDirectoryInUse, LOCK_FILE, PID_FILE } from "./store/stateLock";
export { trustEmulatorCertificate } from "./trust";
export type { FaultConfig } from "./faults/config";
export type { FleetSummary } from "./fleet/generator";
export { DEFENDER_STATES, FLEET_FREE_PLAN_TAG, type DefenderFleet, type DefenderState } from "./fleet/defenderStates";
export { managementGroupSeedsSchema, type ManagementGroupSeed, type SeededHierarchy } from "./fleet/managementGroups";
export type { GuestState, GuestPatch } from "./store/guest";
export type { ExtensionPut } from "./store/extensionLog";
export { FLEET_CASES, CASE_SPECS, type FleetCase } from "./fleet/cases";
export { SCOM_AGENT_VERSIONS } from "./logs/heartbeat";
export { DEPRECATED_MESSAGE } from "./providers/security";
export { adminRequest, readAdminToken, ADMIN_TOKEN_FILE } from "./admin/client";
export { goClientEnv, metadataHostOf, metadataUrlOf } from "./goClients";
export { azureCliLines, azureCliRecipe, adfsCloudArgs, AZURE_CLI_CLOUD, type AzureCliRecipe } from "./azureCli";
export { EMULATOR_CLOUD_NAME } from "./metadata/documents";

export interface EmulatorOptions {
  /** HTTPS port; 0 (default) picks a free one. */
  port?: number;
  /**
   * The address to listen on (default: loopback, 127.0.0.1 and ::1). `0.0.0.0` or `::` in a
   * container whose port is published: the URL stays https://localhost:PORT (the certificate names
   * localhost, 127.0.0.1 and ::1), and the admin API still answers loopback clients only.
   */
  host?: string;
  /** SQLite state file; its directory also gets the certificate and emulator.json. Default: a temp dir removed on stop. */
  statePath?: string;
  /** Machines to generate when the state is new (default 0). */
  fleet?: number;
  /** Seed of the fleet and of the subscription ids (default 1; fixed once the state exists). */
  seed?: number;
  /** Fault configuration, or the path of a JSON file holding one. */
  faults?: FaultConfig | string;
  /** Access token lifetime (default 3600 s). */
  tokenLifetimeSeconds?: number;
  /** Time a long-running operation stays InProgress (default 0: done at the first poll). */
  lroDelayMs?: number;
  /** ARM list page size before nextLink (default 100). */
  listPageSize?: number;
  /** Time one remediation deployment takes (default 20 ms). */
  remediationDeploymentMs?: number;
  /**
   * Time before a new or changed policy assignment is evaluated (default 3,000 ms; Azure takes up
   * to 30 minutes): an ExistingNonCompliant remediation created earlier finds nothing to remediate.
   * 0 evaluates at once.
   */
  policyEvaluationDelayMs?: number;
  /**
   * Rows of the previous page that each later Resource Graph page repeats (default 1, as Azure's
   * paging can), and rows each later page skips (default 0). The inventory removes repeated rows.
   */
  graphRepeatedRows?: number;
  graphMissingRows?: number;
  /**
   * Time before a write shows in Resource Graph, its tables and `resourcechanges` (default 0: at
   * once), as Azure's is eventually consistent; ARM's GET and lists always answer the write.
   */
  graphWriteLagMs?: number;
  /**
   * Late indexing of change rows (default 0): each change shows in `resourcechanges` up to this long
   * after its write (on top of graphWriteLagMs; seeded per change), its timestamp still the write's,
   * so a change can show after a newer one did, as Azure's can. The resource tables are not affected.
   * `/admin/change-index-lag` changes it, or scripts it per resource.
   */
  changeIndexLagMs?: number;
  /** Evaluation time a Resource Graph or Log Analytics query may take before it is refused (default 5,000 ms). */
  queryBudgetMs?: number;
  /**
   * How long after a Defender plan or switch changes Defender deploys what it deploys itself (MDE,
   * vulnerability assessment, the AKS sensor), on the emulator's clock; also its sweep interval
   * while a plan is on. Default 600,000 ms (Defender's Deploy-if-not-exists evaluation delay);
   * CLI `--defender-delay <seconds>`.
   */
  defenderDelayMs?: number;
  /** A management-group hierarchy to apply at start (see README "Management groups"). */
  managementGroups?: ManagementGroupSeed[];
  /**
   * Record every ARM, Graph and Log Analytics exchange into this directory, one JSON file each in
   * oav's traffic format (default: the ASC_EMULATOR_RECORD_DIR environment variable; none without it).
   */
  recordTraffic?: string;
}

export interface EmulatorClientOptions {
  endpoint: string;
  /** Scopes for the older clients (arm-security, arm-hybridcompute, arm-authorization, arm-policyinsights). */
  credentialScopes: string[];
  /** Scopes for the newer clients (arm-compute 25, arm-policy 7, ...), which ignore credentialScopes. */
  credentials: { scopes: string[] };
  /** The emulator's CA, so SDK clients in this process trust it without NODE_EXTRA_CA_CERTS. */
  tlsOptions: { ca: string };
}

export interface RunningEmulator {
  /** https://localhost:PORT */
  readonly url: string;
  readonly port: number;
  /** PEM of the self-signed certificate (written next to the state). */
  readonly caCertPath: string;
  readonly caCert: string;
  readonly statePath: string;
  readonly tenantId: string;
  readonly clientId: string;
  /** The well-known dev secret (EMULATOR_CLIENT_SECRET). */
  readonly clientSecret: string;
  /** Every subscription it holds: the seed's three (the fleet's), then those `managementGroups` seeding created. */
  readonly subscriptionIds: string[];
  /** The ARM resource types the emulator serves (its provider registry), e.g. `Microsoft.Compute/virtualMachines`. */
  readonly resourceTypes: readonly string[];
  /** The fleet generated when the state was new (its size then: machines made since are not in it; machineCount() is). */
  readonly fleet: FleetSummary | null;
  /** The machines (VMs, scale sets, Arc machines) the emulator holds now, in every subscription. */
  machineCount(): number;
  /** The admin API's bearer token for this start (also in `adminTokenPath`, mode 0600, next to emulator.json). */
  readonly adminToken: string;
  readonly adminTokenPath: string;
  credential(): TokenCredential;
  /** `{ endpoint, credentialScopes, tlsOptions }` for any `@azure/arm-*` client. */
  clientOptions(): EmulatorClientOptions;
  /** Options for `@azure/monitor-query-logs`' LogsQueryClient. */
  logsClientOptions(): { endpoint: string; tlsOptions: { ca: string } };
  /** Calls the admin API (`/admin/...`) with this start's token. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** How the Azure CLI logs in to this emulator (documented settings only; `emulator start` prints it). */
  azureCli(): AzureCliRecipe;
  /** What a child process needs: NODE_EXTRA_CA_CERTS, ASC_EMULATOR_URL/_TENANT_ID/_CLIENT_ID/_CONFIG/_ADMIN_TOKEN_FILE. */
  env(): Record<string, string>;
  /** What a Go client (azure-native, azurerm) needs besides metadataHost: ARM_TENANT_ID/_CLIENT_ID/_CLIENT_SECRET, SSL_CERT_FILE. */
  goEnv(): Record<string, string>;
  stop(): Promise<void>;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  let tempDir: string | undefined;
  let statePath: string;
  // Bad input is refused before anything is written: faults first, then the state path.
  const faults = typeof opts.faults === "string" ? loadFaultConfig(opts.faults) : opts.faults ? parseFaultConfig(opts.faults) : undefined;
  if (opts.statePath) {
    statePath = resolve(opts.statePath);
  } else {
    tempDir = mkdtempSync(join(tmpdir(), "asc-emulator-"));
    statePath = join(tempDir, "state.sqlite");
  }
  prepareStateFile(statePath);
  const dir = dirname(statePath);
  // Before anything in the directory is written: a live emulator serving it refuses this start.
  const lock = lockStateDirectory(dir);
  const release = (): void => {
    lock.release();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  const adminToken = randomBytes(32).toString("base64url");
  const adminTokenPath = join(dir, ADMIN_TOKEN_FILE);
  const coreOptions: CoreOptions = {
    dbPath: statePath,
    tenantId: EMULATOR_TENANT_ID,
    seed: opts.seed ?? 1,
    faults,
    admin: { token: adminToken, tokenPath: adminTokenPath },
    recordTraffic: opts.recordTraffic ?? (process.env["ASC_EMULATOR_RECORD_DIR"] || undefined),
    changeIndexLagMs: opts.changeIndexLagMs ?? 0,
    settings: {
      lroDelayMs: opts.lroDelayMs ?? 0,
      listPageSize: opts.listPageSize ?? 100,
      remediationDeploymentMs: opts.remediationDeploymentMs ?? 20,
      policyEvaluationDelayMs: opts.policyEvaluationDelayMs ?? DEFAULT_POLICY_EVALUATION_DELAY_MS,
      tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 3600,
      queryBudgetMs: opts.queryBudgetMs ?? 5000,
      graphRepeatedRows: opts.graphRepeatedRows ?? 1,
      graphMissingRows: opts.graphMissingRows ?? 0,
      graphWriteLagMs: opts.graphWriteLagMs ?? 0,
      defenderDelayMs: opts.defenderDelayMs ?? DEFAULT_DEFENDER_DELAY_MS,
    },
  };
  let core: EmulatorCore;
  try {
    core = new EmulatorCore(coreOptions);
  } catch (err) {
    release();
    throw err;
  }
  let server;
  let tls;
  try {
    tls = await loadOrCreateCertificate(dir);
    core.ensureFleet(opts.fleet ?? 0);
    core.seedManagementGroups(opts.managementGroups ? managementGroupSeedsSchema.parse(opts.managementGroups) : []);
    // Before listening: whoever can reach the server finds this start's token.
    writePrivateFile(adminTokenPath, adminToken + "\n");
    server = await listen(core, tls, opts.port ?? 0, opts.host);
  } catch (err) {
    core.close();
    release();
    throw err;
  }
  const url = `https://localhost:${server.port}`;
  core.setUrl(url, { clientId: EMULATOR_CLIENT_ID, caCertPath: tls.certPath, statePath });
  core.start();
  const subscriptionIds = core.allSubscriptionIds();
  const info = {
    url,
    port: server.port,
    tenantId: EMULATOR_TENANT_ID,
    clientId: EMULATOR_CLIENT_ID,
    caCertPath: tls.certPath,
    statePath,
    subscriptionIds,
    pid: process.pid,
    clientSecret: "well-known: EMULATOR_CLIENT_SECRET in src/emulator/constants.ts",
    adminTokenPath,
  };
  // Written aside and renamed: a client that sees emulator.json never reads it half-written.
  const infoPath = join(dir, "emulator.json");
  writeFileSync(`${infoPath}.${process.pid}.tmp`, JSON.stringify(info, null, 2) + "\n");
  renameSync(`${infoPath}.${process.pid}.tmp`, infoPath);
  const ca = readFileSync(tls.certPath, "utf8");
  let stopped = false;
  return {
    url,
    port: server.port,
    caCertPath: tls.certPath,
    caCert: ca,
    statePath,
    tenantId: EMULATOR_TENANT_ID,
    clientId: EMULATOR_CLIENT_ID,
    clientSecret: EMULATOR_CLIENT_SECRET,
    subscriptionIds,
    resourceTypes: core.registry.all().map((spec) => spec.type),
    fleet: core.fleet(),
    machineCount: () => core.allSubscriptionIds().reduce((n, sub) => n + core.store.count(MACHINE_TYPES, sub), 0),
    adminToken,
    adminTokenPath,
    credential: () =>
      new ClientSecretCredential(EMULATOR_TENANT_ID, EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, { authorityHost: url, disableInstanceDiscovery: true, tlsOptions: { ca } }),
    clientOptions: () => ({ endpoint: url, credentialScopes: [ARM_SCOPE], credentials: { scopes: [ARM_SCOPE] }, tlsOptions: { ca } }),
    logsClientOptions: () => ({ endpoint: `${url}/v1`, tlsOptions: { ca } }),
    admin: async <T>(method: string, path: string, body?: unknown) => {
      const r = await adminRequest<T>(url, ca, method, path, body, adminToken);
      if (r.status >= 400) throw new Error(`admin ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    // Not AZURE_CLIENT_SECRET & co: EnvironmentCredential cannot disable MSAL's instance discovery,
    // which goes to login.microsoftonline.com for a local authority; clients build a
    // ClientSecretCredential from these instead (the secret is the well-known constant).
    env: () => ({
      NODE_EXTRA_CA_CERTS: tls.certPath,
      ASC_EMULATOR_URL: url,
      ASC_EMULATOR_TENANT_ID: EMULATOR_TENANT_ID,
      ASC_EMULATOR_CLIENT_ID: EMULATOR_CLIENT_ID,
      ASC_EMULATOR_CONFIG: join(dir, "emulator.json"),
      ASC_EMULATOR_ADMIN_TOKEN_FILE: adminTokenPath,
    }),
    azureCli: () => azureCliRecipe({ url, caCertPath: tls.certPath, tenantId: EMULATOR_TENANT_ID, clientId: EMULATOR_CLIENT_ID, clientSecret: EMULATOR_CLIENT_SECRET }),
    goEnv: () => goClientEnv({ url, tenantId: EMULATOR_TENANT_ID, clientId: EMULATOR_CLIENT_ID, clientSecret: EMULATOR_CLIENT_SECRET, caCertPath: tls.certPath }),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.close();
      core.close();
      release();
    },
  };
}
