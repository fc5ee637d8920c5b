export * from "./extensionPolicy";
