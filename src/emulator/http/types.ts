/** The emulator's request and response, independent of node's http objects. */
import type { IncomingHttpHeaders } from "node:http";
import type { TokenClaims } from "../auth/tokens";
import { ArmErrors } from "./errors";
import type { Json } from "../util/json";

export type OpClass = "read" | "write" | "delete" | "graph" | "query" | "auth" | "metadata" | "admin";
export const FAULT_CLASSES = ["read", "write", "delete", "graph", "query"] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

export interface EmuRequest {
  readonly method: string;
  /** Path with repeated slashes collapsed (ARM tolerates `//subscriptions/...` from `/{+scope}` templates). */
  readonly path: string;
  /** Decoded path segments. */
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  readonly remoteAddress: string;
  readonly requestId: string;
  readonly correlationId: string;
  principal?: TokenClaims;
  /** `METHOD lower-case-type` for the counters, set once the route is known. */
  operation?: string;
}

export interface EmuResponse {
  status: number;
  body?: Json | object;
  /** Raw text body (non-JSON answers, e.g. the admin's plain text). */
  text?: string;
  headers?: Record<string, string>;
  /** Close the connection without answering (fault injection). */
  drop?: boolean;
  /** Raw bytes a scripted fault answers with (truncated JSON, wrong types): a test's, not the emulator's, so not recorded for the contract check. */
  injected?: boolean;
}

export function header(req: EmuRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Parses the JSON body; malformed content is ARM's 400 InvalidRequestContent. */
export function jsonBody(req: EmuRequest): unknown {
  const text = req.rawBody.toString("utf8").trim();
  if (text.length === 0) {
    throw ArmErrors.invalidRequestContent("The request body is empty.");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw ArmErrors.invalidRequestContent(err instanceof Error ? err.message : String(err));
  }
}
