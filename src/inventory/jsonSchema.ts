/**
 * JSON Schemas of the spec and the inventory, generated from the zod schemas (one source of
 * truth); `asc-autoprovision schemas --out schemas` writes them, a test checks they are current.
 */
import { z } from "zod";
import { inventorySchema } from "./schema";
import { specSchema } from "../spec/schema";

export function specJsonSchema(): object {
  return {
    $id: "https://asc-autoprovision.dev/schemas/spec.schema.json",
    title: "asc-autoprovision spec",
    ...z.toJSONSchema(specSchema, { io: "input" }),
  };
}

export function inventoryJsonSchema(): object {
  return {
    $id: "https://asc-autoprovision.dev/schemas/inventory.schema.json",
    title: "asc-autoprovision inventory (version 1)",
    ...z.toJSONSchema(inventorySchema, { io: "input" }),
  };
}

export const SCHEMA_FILES: Readonly<Record<string, () => object>> = {
  "spec.schema.json": specJsonSchema,
  "inventory.schema.json": inventoryJsonSchema,
};
