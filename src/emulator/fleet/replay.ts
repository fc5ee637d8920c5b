/**
 * Seeding by replay: ARM write requests served in process, one transaction per batch, as the
 * emulator's service principal. A benchmark records the writes an apply would send (the real step
 * handlers, bench/converge.ts) and replays them here, so a 100k-machine fleet is converged in
 * minutes instead of an hour of HTTPS round trips and a commit per request. Each request goes
 * through the same router, providers and validation as one sent over HTTPS.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { ArmContext } from "../arm/types";
import type { ArmRouter } from "../arm/router";
import type { TokenClaims } from "../auth/tokens";
import { ArmError } from "../http/errors";
import type { EmuRequest } from "../http/types";
import { splitPath } from "../util/armId";

export const REPLAY_METHODS = ["PUT", "PATCH", "POST", "DELETE"] as const;

/** What `POST /admin/replay` takes: ARM write requests, path with its query (api-version). */
export const replayBatchSchema = z.object({
  requests: z
    .array(
      z.object({
        method: z.enum(REPLAY_METHODS),
        path: z.string().regex(/^\/subscriptions\//i, "an ARM path under /subscriptions/"),
        body: z.unknown().optional(),
      }),
    )
    .max(20_000),
});
export type ReplayRequest = z.infer<typeof replayBatchSchema>["requests"][number];

export interface ReplayFailure {
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly error: string;
}

/** Serves the requests in order (the caller holds the transaction); returns those ARM refused. */
export function replayRequests(ctx: ArmContext, router: ArmRouter, principal: TokenClaims, requests: readonly ReplayRequest[]): ReplayFailure[] {
  const failures: ReplayFailure[] = [];
  requests.forEach((r, index) => {
    const url = new URL(r.path, "https://localhost");
    const req: EmuRequest = {
      method: r.method,
      path: url.pathname,
      segments: splitPath(url.pathname),
      query: url.searchParams,
      headers: { "content-type": "application/json" },
      rawBody: Buffer.from(r.body === undefined ? "" : JSON.stringify(r.body)),
      remoteAddress: "127.0.0.1",
      requestId: randomUUID(),
      correlationId: randomUUID(),
      principal,
    };
    try {
      const res = router.handle(ctx, req);
      if (res.status >= 400) failures.push({ index, method: r.method, path: r.path, status: res.status, error: JSON.stringify(res.body ?? res.text ?? "") });
    } catch (err) {
      if (!(err instanceof ArmError)) throw err;
      failures.push({ index, method: r.method, path: r.path, status: err.status, error: JSON.stringify(err.body()) });
    }
  });
  return failures;
}
