/**
 * `GET /metadata/endpoints?api-version=...`: ARM's cloud-metadata endpoint, anonymous as in Azure
 * (clients read it before they have a token). Anything else under `/metadata` is ARM's 404.
 *
 * api-versions: clients send dates that are not schema dates and get answers (2018-09-03 in
 * microsoft/vscode-azure-account#90, 2020-01-01 in hashicorp/terraform-provider-azurerm#6816,
 * 2019-10-01 in the Azure Stack Hub samples, 2023-11-01 in microsoft/ga4gh-tes), so (INFERRED)
 * ARM serves the newest schema not after the date asked for; the emulator does that for `1.0` and
 * dates from 2015-01-01 on. A missing, malformed or older version gets ARM's usual 400 codes (what
 * the real endpoint answers to those is not recorded anywhere we found).
 */
import { ArmErrors } from "../http/errors";
import type { EmuRequest, EmuResponse } from "../http/types";
import { cloudMetadataDocument, type MetadataSchema } from "./documents";

export function isMetadataPath(segments: readonly string[]): boolean {
  return segments[0]?.toLowerCase() === "metadata";
}

const SCHEMAS: readonly MetadataSchema[] = ["2022-09-01", "2019-05-01", "2018-01-01", "2015-01-01"];
const OLDEST: MetadataSchema = "2015-01-01";

function isCalendarDate(v: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** The schema an api-version selects, or null when the emulator refuses the version. */
export function schemaForApiVersion(apiVersion: string): MetadataSchema | null {
  if (apiVersion === "1.0") return OLDEST;
  if (!isCalendarDate(apiVersion)) return null;
  return SCHEMAS.find((s) => s <= apiVersion) ?? null;
}

function apiVersionOf(req: EmuRequest): MetadataSchema {
  const v = req.query.get("api-version");
  if (v === null || v === "") {
    throw ArmErrors.missingApiVersion();
  }
  const schema = schemaForApiVersion(v);
  if (!schema) {
    throw ArmErrors.invalidApiVersion(v, `'1.0' and dates from '${OLDEST}' on (e.g. '2022-09-01')`);
  }
  return schema;
}

/** Answers a request under `/metadata` for the emulator at `origin`; throws ArmErrors. */
export function handleCloudMetadata(origin: string, req: EmuRequest): EmuResponse {
  const rest = req.segments.slice(1).map((s) => s.toLowerCase());
  if (rest.length !== 1 || rest[0] !== "endpoints") {
    throw ArmErrors.noRoute(req.path);
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    throw ArmErrors.methodNotAllowed(req.method);
  }
  req.operation = `${req.method} metadata/endpoints`;
  return { status: 200, body: cloudMetadataDocument(origin, apiVersionOf(req)) };
}
