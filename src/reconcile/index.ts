export * from "./types";
export * from "./plan";
export * from "./simulate";
export * from "./render";
