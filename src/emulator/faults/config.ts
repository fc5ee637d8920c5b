/**
 * Fault configuration (a JSON file given at start, or `POST /admin/faults`). Example:
 *
 *   { "seed": 7,
 *     "latencyMs": { "default": 5, "write": 50 },
 *     "throttle": { "write": { "rate": 0.2, "retryAfterSeconds": 1 } },
 *     "serverErrors": { "read": { "rate": 0.05, "status": 500 } },
 *     "buckets": { "enabled": true, "write": { "capacity": 20, "refillPerSecond": 2 } },
 *     "scripted": [ { "class": "write", "resourceType": "Microsoft.Compute/virtualMachines/extensions", "status": 429, "count": 3, "retryAfterSeconds": 2 },
 *                   { "class": "graph", "respond": { "status": 200, "body": "{\"data\": [" }, "count": 1 },
 *                   { "class": "read", "drop": true, "count": 1 },
 *                   { "class": "write", "drop": "after-commit", "count": 1 } ] }
 *
 * Classes: read (GET/HEAD), write (PUT/PATCH/POST actions), delete, graph (Resource Graph),
 * query (Log Analytics). Bucket defaults are ARM's: reads 250 / 25 s⁻¹, writes and deletes
 * 200 / 10 s⁻¹. Resource Graph has a per-user quota window instead (`graphQuota`: 15 per 5 s);
 * `buckets.graph` {capacity, refillPerSecond} still sets it as capacity per capacity/refill seconds.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { FAULT_CLASSES } from "../http/types";

const cls = z.enum(FAULT_CLASSES);
const bucket = z.object({ capacity: z.number().positive(), refillPerSecond: z.number().positive() }).strict();

export const faultConfigSchema = z
  .object({
    seed: z.number().int().optional(),
    latencyMs: z.partialRecord(z.enum([...FAULT_CLASSES, "default"]), z.number().min(0).max(60_000)).optional(),
    throttle: z.partialRecord(cls, z.object({ rate: z.number().min(0).max(1), retryAfterSeconds: z.number().int().min(0).max(3600).optional() }).strict()).optional(),
    serverErrors: z.partialRecord(cls, z.object({ rate: z.number().min(0).max(1), status: z.union([z.literal(500), z.literal(502), z.literal(503)]).optional() }).strict()).optional(),
    buckets: z
      .object({ enabled: z.boolean(), read: bucket.optional(), write: bucket.optional(), delete: bucket.optional(), graph: bucket.optional() })
      .strict()
      .optional(),
    /**
     * Resource Graph's per-user quota: `queries` per `windowSeconds` window (default 15 per 5 s, as
     * Azure documents it), reported in x-ms-user-quota-remaining / x-ms-user-quota-resets-after and
     * enforced with 429 RateLimiting when enabled. Off by default (a full quota is reported), and on
     * with `buckets.enabled` unless this says otherwise.
     */
    graphQuota: z
      .object({ enabled: z.boolean(), queries: z.number().int().positive().max(10_000).optional(), windowSeconds: z.number().positive().max(3600).optional() })
      .strict()
      .optional(),
    scripted: z
      .array(
        z
          .object({
            class: cls.optional(),
            method: z.string().optional(),
            resourceType: z.string().optional(),
            pathContains: z.string().optional(),
            /** A throttling or server error in ARM's shape... */
            status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503)]).optional(),
            /** ...or exactly this answer (a misbehaving server: truncated JSON, wrong types)... */
            respond: z.object({ status: z.number().int().min(100).max(599), body: z.string(), contentType: z.string().optional() }).strict().optional(),
            /**
             * ...or the connection is closed without an answer (a timeout/reset for the client):
             * `true` before the request is served, "after-commit" once it is (a write is made, its
             * answer is lost, as when a server dies between its commit and its response).
             */
            drop: z.union([z.literal(true), z.literal("after-commit")]).optional(),
            count: z.number().int().positive(),
            retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
          })
          .strict()
          .refine((s) => [s.status !== undefined, s.respond !== undefined, s.drop !== undefined].filter(Boolean).length === 1, {
            message: "give exactly one of status, respond or drop",
          }),
      )
      .optional(),
  })
  .strict();

export type FaultConfig = z.infer<typeof faultConfigSchema>;

export const DEFAULT_BUCKETS = {
  read: { capacity: 250, refillPerSecond: 25 },
  write: { capacity: 200, refillPerSecond: 10 },
  delete: { capacity: 200, refillPerSecond: 10 },
  graph: { capacity: 15, refillPerSecond: 3 },
} as const;

/** Parses a fault configuration, naming the path of anything wrong. */
export function parseFaultConfig(value: unknown): FaultConfig {
  const r = faultConfigSchema.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`fault config ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return r.data;
}

export function loadFaultConfig(file: string): FaultConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`cannot read fault config ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`fault config ${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseFaultConfig(json);
}
