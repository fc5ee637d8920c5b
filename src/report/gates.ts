/**
 * `report --fail-under`: thresholds on the newest inventory's figures. A bare percentage holds the
 * headline (headline.ts: the agent's coverage when the spec provisions one); `<component>=<percent>`
 * holds one component's (`endpoint=90`), for what the headline does not count (user trial 20,
 * item 5: a Defender-only spec had no threshold for Defender for Endpoint at 71.7%).
 */
import { REGISTRY } from "../core";
import { formatCoverage, type Coverage } from "./coverage";
import { NO_HEADLINE } from "./headline";
import { ReportError, type Snapshot } from "./model";

export const GATE_OPTION = "--fail-under";

export interface Gate {
  /** null: the headline; else a component's name (`endpoint`). */
  readonly component: string | null;
  readonly percent: number;
  /** As given, to name it in a message: `90`, `endpoint=90`. */
  readonly text: string;
}

/** Every component a plan can decide, in registration order: the names `<component>=` takes. */
export function componentNames(): string[] {
  return REGISTRY.components.map((k) => k.name);
}

/** The thresholds as given; a ReportError for a bad percentage, an unknown component, or one given twice. */
export function parseGates(values: readonly string[]): Gate[] {
  const gates: Gate[] = [];
  const names = componentNames();
  for (const text of values) {
    const m = /^([^=]*)=(.*)$/.exec(text);
    const component = m ? m[1]!.trim() : null;
    if (component !== null && !names.includes(component)) {
      throw new ReportError(`${GATE_OPTION}: "${component}" is not a component; the components are ${names.join(", ")} (a bare percentage holds the headline coverage)`);
    }
    const percent = percentage(m ? `${GATE_OPTION} ${component}` : GATE_OPTION, m ? m[2]! : text);
    if (gates.some((g) => g.component === component)) {
      throw new ReportError(`${GATE_OPTION}: ${component === null ? "the headline's threshold" : `${component}'s threshold`} is given twice`);
    }
    gates.push({ component, percent, text });
  }
  return gates;
}

function percentage(option: string, value: string): number {
  const n = value.trim() === "" ? NaN : Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new ReportError(`${option}: "${value}" is not a percentage between 0 and 100`);
  return n;
}

export interface GateOutcome {
  /** A gate with no figure to hold (no headline, a component the report does not have): exit 1. */
  readonly problems: readonly string[];
  /** A figure under its gate: exit 2. */
  readonly below: readonly string[];
}

/**
 * Each gate against the snapshot's figures. A headline over no machine is left to the caller,
 * which says why the scope holds none.
 */
export function checkGates(gates: readonly Gate[], s: Snapshot): GateOutcome {
  const problems: string[] = [];
  const below: string[] = [];
  const present = s.components.map((c) => c.name).join(", ") || "none";
  const hold = (g: Gate, title: string, c: Coverage) => {
    if (c.percent !== null && c.percent < g.percent) below.push(`${GATE_OPTION} ${g.text}: ${title} coverage ${formatCoverage(c)} is below ${g.percent}%`);
  };
  for (const g of gates) {
    if (g.component === null) {
      if (s.headline) hold(g, s.headline.title, s.total);
      else problems.push(`${GATE_OPTION} ${g.text}: ${NO_HEADLINE}; hold a component instead, ${GATE_OPTION} <component>=${g.percent} (this report's components: ${present})`);
      continue;
    }
    const column = s.components.find((c) => c.name === g.component);
    if (column) hold(g, column.title, column.total);
    else problems.push(`${GATE_OPTION} ${g.text}: ${s.label} has no ${g.component} figure: the spec does not ask for it, or nothing in scope it applies to (this report's components: ${present})`);
  }
  return { problems, below };
}
