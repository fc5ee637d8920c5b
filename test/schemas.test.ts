import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SCHEMA_FILES } from "../src/inventory/jsonSchema";

describe("JSON Schemas in schemas/", () => {
  it.each(Object.keys(SCHEMA_FILES))("%s is current (regenerate with `npm run schemas`)", (file) => {
    const committed = JSON.parse(readFileSync(join(__dirname, "../schemas", file), "utf8"));
    expect(committed).toEqual(SCHEMA_FILES[file]!());
  });

  it("the spec schema lists the allowed tiers and agents", () => {
    const schema = JSON.parse(readFileSync(join(__dirname, "../schemas/spec.schema.json"), "utf8"));
    const la = schema.properties.logAnalyticsAgent.properties;
    expect(la.securityEvents.enum).toEqual(["None", "Minimal", "Common", "All"]);
    expect(la.agent.enum).toEqual(["mma", "ama", "none"]);
    // Subscriptions or management groups (issue 15 item 4): neither is required alone; the validator requires one (was ["subscriptions"]).
    expect(schema.required).toBeUndefined();
  });
});
