/**
 * `asc-autoprovision emulator start [--port P] [--host ADDRESS] [--state FILE] [--fleet N] [--seed S] [--faults FILE] [--record DIR]
 *   [--management-groups FILE] [--graph-write-lag SECONDS] [--lro-delay SECONDS] [--defender-delay SECONDS]`
 * Runs the local Azure emulator in the foreground until SIGINT/SIGTERM and prints what a client
 * needs: the URL, the CA certificate and the environment lines, for node clients and for
 * `pulumi up` (the Go azure-native plugin).
 */
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ZodType } from "zod";
import { metadataHostOf, metadataUrlOf } from "../../emulator/goClients";
import { CliError } from "../errors";
import type { CliContext } from "../context";

export const DEFAULT_EMULATOR_PORT = 8443;
export const DEFAULT_EMULATOR_STATE = ".asc-autoprovision/emulator/state.sqlite";

/** The --management-groups file, checked with the emulator's schema (loaded with the emulator) before anything starts. */
function readManagementGroups<T>(file: string, schema: ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new CliError(`--management-groups ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliError(`--management-groups ${file}: [${issue.path.join(".") || "(root)"}] ${issue.message}`);
  }
  return parsed.data;
}

/** The banner shows this many subscriptions; a tenant seeded with thousands is counted, and emulator.json lists them all. */
const LISTED_SUBSCRIPTIONS = 12;

export function subscriptionList(ids: readonly string[], infoPath: string): string {
  if (ids.length <= LISTED_SUBSCRIPTIONS) return ids.join(", ");
  return `${ids.slice(0, LISTED_SUBSCRIPTIONS).join(", ")} and ${ids.length - LISTED_SUBSCRIPTIONS} more (${ids.length} in all; every id in ${infoPath})`;
}

/** Beyond loopback, whoever reaches the port reaches ARM with the public dev secret: said at start. */
function hostLine(host: string): string {
  return `  listening on:  ${host} (anyone who reaches it can use ARM with the public dev secret; the admin API answers loopback clients only; the certificate names localhost, 127.0.0.1 and ::1)`;
}

/** The clock is part of the state: a start on an advanced or frozen one says so. */
function clockLine(clock: { now: string; offsetMs: number; frozen: boolean }): string {
  if (clock.frozen) return `  clock:         frozen at ${clock.now} (kept in the state; POST /admin/clock {"freeze": false} lets it run)`;
  const s = Math.round(clock.offsetMs / 1000);
  if (s !== 0) return `  clock:         ${clock.now} (${Math.abs(s)} s ${s > 0 ? "ahead of" : "behind"} this machine's, kept in the state)`;
  return `  clock:         this machine's`;
}

function intOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`${name}: "${value}" is not a whole number between ${min} and ${max}`);
  return n;
}

/** Resolves when the process is asked to stop. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const done = (sig: NodeJS.Signals): void => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve(sig);
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}

/**
 * How to point `pulumi preview` / `pulumi up` (the azure-native plugin, a Go binary) at the
 * emulator: the stack's endpoint, the provider's ARM_* credentials (the well-known dev principal),
 * and SSL_CERT_FILE. See examples/pulumi/README.md.
 */
export function pulumiLines(url: string, goEnv: Record<string, string>): string[] {
  return [
    "Pulumi (azure-native is a Go plugin: ARM_* credentials, certificate through SSL_CERT_FILE):",
    `  pulumi config set asc-autoprovision:emulatorEndpoint ${url}   # or: export ASC_EMULATOR_ENDPOINT=${JSON.stringify(url)}`,
    ...Object.entries(goEnv).map(([k, v]) => `  export ${k}=${JSON.stringify(v)}`),
    "  (ARM_CLIENT_SECRET is the emulator's public dev secret. Go then trusts only SSL_CERT_FILE: to keep the system",
    "  roots too, point it at a bundle of both, e.g. cat /etc/ssl/certs/ca-certificates.crt <CA cert> > bundle.pem.)",
    `  ARM discovery (metadataHost ${metadataHostOf(url)}): ${metadataUrlOf(url)}`,
  ];
}

export function registerEmulatorCommand(program: Command, ctx: CliContext): void {
  const emulator = program.command("emulator").description("The local Azure emulator: the ARM subset this tool uses, over HTTPS, with embedded state.");
  emulator
    .command("start")
    .description("Start the emulator in the foreground (Ctrl+C stops it). State and certificate persist in the state file's directory.")
    .option("--port <port>", "HTTPS port (0 picks a free one)", String(DEFAULT_EMULATOR_PORT))
    .option("--host <address>", "address to listen on (default: loopback, 127.0.0.1 and ::1); 0.0.0.0 in a container whose port is published")
    .option("--state <file>", "SQLite state file", DEFAULT_EMULATOR_STATE)
    .option("--fleet <n>", "machines to generate when the state is new", "0")
    .option("--seed <s>", "seed of the generated fleet and subscriptions", "1")
    .option("--faults <file>", "fault injection configuration (JSON)")
    .option("--record <dir>", "record every ARM, Graph and Log Analytics exchange into DIR (oav's traffic format; secrets redacted)")
    .option("--management-groups <file>", "management-group hierarchy to apply (JSON array of {name, displayName?, parent?, subscriptions?, newSubscriptions?})")
    .option("--graph-write-lag <seconds>", "seconds before a write shows in Resource Graph (eventually consistent, as Azure's); ARM's GET has it at once", "0")
    .option("--change-index-lag <seconds>", "each change shows in Resource Graph's resourcechanges up to this many seconds after its write (seeded per change, timestamp unchanged), so changes can appear out of order, as Azure's can", "0")
    .option("--lro-delay <seconds>", "seconds a long-running operation (an extension's install, a deployment) stays InProgress before it completes, as a slow Azure's would", "0")
    .option("--defender-delay <seconds>", "seconds, on the emulator's clock, after a Defender plan or setting changes before Defender deploys MDE, vulnerability assessment and the AKS sensor itself (default 600)")
    .action(async (opts: { port: string; host?: string; state: string; fleet: string; seed: string; faults?: string; managementGroups?: string; record?: string; graphWriteLag: string; changeIndexLag: string; lroDelay: string; defenderDelay?: string }) => {
      const port = intOption("--port", opts.port, 0, 65535);
      const graphWriteLagMs = intOption("--graph-write-lag", opts.graphWriteLag, 0, 86_400) * 1000;
      const changeIndexLagMs = intOption("--change-index-lag", opts.changeIndexLag, 0, 86_400) * 1000;
      const lroDelayMs = intOption("--lro-delay", opts.lroDelay, 0, 86_400) * 1000;
      // At least a second: Defender sweeps the subscription again every delay while a plan is on.
      const defenderDelay = opts.defenderDelay === undefined ? undefined : intOption("--defender-delay", opts.defenderDelay, 1, 604_800) * 1000;
      const fleet = intOption("--fleet", opts.fleet, 0, 1_000_000);
      const seed = intOption("--seed", opts.seed, 0, 2 ** 31 - 1);
      // Loaded here, not with the CLI: other commands (plan from a file) never load the emulator.
      const { startEmulator, managementGroupSeedsSchema, azureCliLines, DEFAULT_DEFENDER_DELAY_MS } = await import("../../emulator");
      const defenderDelayMs = defenderDelay ?? DEFAULT_DEFENDER_DELAY_MS;
      const managementGroups = opts.managementGroups ? readManagementGroups(opts.managementGroups, managementGroupSeedsSchema) : undefined;
      let emu;
      try {
        emu = await startEmulator({ port, host: opts.host, statePath: opts.state, fleet, seed, faults: opts.faults, managementGroups, recordTraffic: opts.record, graphWriteLagMs, changeIndexLagMs, lroDelayMs, defenderDelayMs });
      } catch (err) {
        throw new CliError(`emulator: cannot start: ${err instanceof Error ? err.message : String(err)}`);
      }
      const env = emu.env();
      const lines = [
        `Azure emulator listening on ${emu.url}`,
        ...(opts.host ? [hostLine(opts.host)] : []),
        `  state:         ${emu.statePath}`,
        `  CA cert:       ${emu.caCertPath}`,
        `  tenant:        ${emu.tenantId}`,
        `  subscriptions: ${subscriptionList(emu.subscriptionIds, join(dirname(emu.statePath), "emulator.json"))}`,
        `  machines:      ${emu.machineCount()} now; ${emu.fleet ? `the state was generated with ${emu.fleet.machines} (seed ${emu.fleet.seed})` : "none generated (use --fleet N on a new state file)"}`,
        `  Defender:      deploys MDE, vulnerability assessment and the AKS sensor ${defenderDelayMs / 1000} s (emulator clock) after a plan or setting changes`,
        clockLine(await emu.admin<{ now: string; offsetMs: number; frozen: boolean }>("GET", "/admin/clock")),
        `  admin API:     ${emu.url}/admin/info (loopback only; bearer token in ${emu.adminTokenPath}, new at each start)`,
        "",
        "Use it from another shell:",
        ...Object.entries(env).map(([k, v]) => `  export ${k}=${JSON.stringify(v)}`),
        "Credential: ClientSecretCredential(tenant, client, EMULATOR_CLIENT_SECRET (the well-known dev secret in src/emulator/constants.ts),",
        `  { authorityHost: "${emu.url}", disableInstanceDiscovery: true }); DefaultAzureCredential cannot use a local authority.`,
        "",
        ...pulumiLines(emu.url, emu.goEnv()),
        "",
        "Azure CLI (no client patches; an older CLI without core.instance_discovery: register the cloud with",
        `  --endpoint-active-directory ${emu.url}/adfs and skip the config line):`,
        ...azureCliLines({ url: emu.url, caCertPath: emu.caCertPath, tenantId: emu.tenantId, clientId: emu.clientId, clientSecret: emu.clientSecret }).map((l) => `  ${l}`),
        "",
        "Press Ctrl+C to stop.",
        "",
      ];
      ctx.stdout(lines.join("\n"));
      const sig = await untilSignal();
      await emu.stop();
      ctx.stdout(`emulator stopped (${sig})\n`);
      ctx.exitCode = 0;
    });
}
