/** Compatibility re-exports for the components (see README.md here); new code imports src/core. */
export { workspaceLabel } from "../core/kernel";
