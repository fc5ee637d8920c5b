/** The plan file (format.ts): writing it in either framing, reading it back exactly. */
export { MACHINE_PLACEHOLDER } from "./shapes";
export { PLAN_FILE_VERSION, SECTIONS, type PlanFileHeader } from "./format";
export { encodePlan, type EncodeOptions } from "./encode";
export { planJsonPieces, planNdjsonPieces } from "./write";
export { parsePlan, PlanFileChangedError, PlanFileError, readPlanFile, type ReadPlan } from "./read";
