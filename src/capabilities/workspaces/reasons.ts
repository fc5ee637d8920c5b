/** Reason sentences the workspaces capability adds to an agent's reason. */
import type { Reason } from "../../core/kernel";

export const WORKSPACE_REASONS = {
  /** A custom target workspace that does not exist: the decision stands, nothing happens yet. */
  "blocked-by-workspace": (decided: Reason) => `${decided.text} Blocked until that workspace exists.`,
};
