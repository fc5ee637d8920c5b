export * from "./extensionPolicy";
export * from "./azureMonitorAgentPolicy";
