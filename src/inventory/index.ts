export * from "./schema";
export * from "./load";
export * from "./ids";
export * from "./eligibility";
export * from "./jsonSchema";
export * from "./readFor";
