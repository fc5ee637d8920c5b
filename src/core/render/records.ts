/**
 * Each step's compact record (kernel/compact.ts), read once per plan. A compact step is a Proxy and
 * reading its record is a trap (a few hundred ns): the saved plan's basis, the plan file's encoding
 * and the text plan each read it on every step, some several times, which at a million machines
 * (2.5M steps) was seconds. The records are kept per steps list, as long as the list lives.
 */
import { compactRecordOf, type CompactRecord } from "../kernel/compact";

/** Step i's compact record, or undefined for a plain step. */
export type StepRecords = readonly (CompactRecord | undefined)[];

const byList = new WeakMap<readonly object[], StepRecords>();

/** The compact record of each step of `steps` (a plan's steps list is not changed once planned; a list whose length changed is read again). */
export function stepRecords(steps: readonly object[]): StepRecords {
  let records = byList.get(steps);
  if (records === undefined || records.length !== steps.length) {
    const read = new Array<CompactRecord | undefined>(steps.length);
    for (let i = 0; i < steps.length; i++) read[i] = compactRecordOf(steps[i]!);
    byList.set(steps, (records = read));
  }
  return records;
}
