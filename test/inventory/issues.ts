import { parseInventory } from "../../src/inventory/load";
import { ValidationError } from "../../src/spec/errors";

/** The issues parseInventory throws for `input`; a test failure when it throws none. */
export function issuesOf(input: unknown) {
  try {
    parseInventory(input);
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
  throw new Error("expected a ValidationError");
}
