/**
 * Which schedule state each registered flow gets. Tags and the remote's default branch are what
 * production runs, so their schedules go on; any other branch is a preview and defaults to off,
 * because a feature branch's schedule would run (and write) next to main's. `keep` carries the
 * flow group's current state over (for schedules switched in the UI).
 */
import type { FlowToRegister, FlowResult, PlanItem, RegistrationPlan } from './types.js';
import { unscheduledRequiredParameters } from './schedule-check.js';

/** The `schedule` setting: `--schedule [on|off|keep]`, `--no-schedule`, `schedule = "..."`. */
export type ScheduleMode = 'on' | 'off' | 'keep';

/** The schedule state to register with, and why. */
export interface ScheduleDecision {
  mode: ScheduleMode;
  /** What `keep` gives a flow that has no version yet, and what the ref gets by default. */
  refDefault: boolean;
  /** True when the user chose the mode (flag, env or config file); false when defaulted. */
  explicit: boolean;
  /** One line for the output. */
  message: string;
}

/** Input of {@link decideSchedule}. */
export interface ScheduleInput {
  /** The setting when the user gave one (flag > env > config file). */
  setting: ScheduleMode | undefined;
  /** Where the setting came from, for the message (`--schedule`, `PREFECT_GIT_SCHEDULE`, ...). */
  settingSource?: string | undefined;
  ref: { type: 'branch' | 'tag'; name: string };
  /** The remote's default branch; undefined when it could not be read. */
  defaultBranch: string | undefined;
  remote: string;
}

/** Decides the schedule mode for a registration. Pure. */
export function decideSchedule(input: ScheduleInput): ScheduleDecision {
  const { ref, defaultBranch, remote } = input;
  const onByRef = ref.type === 'tag' || defaultBranch === undefined || ref.name === defaultBranch;
  const refWhy =
    ref.type === 'tag' ? `tag ${ref.name}`
    : defaultBranch === undefined ? `branch ${ref.name} (${remote}'s default branch is unknown)`
    : ref.name === defaultBranch ? `${remote}'s default branch ${ref.name}`
    : `branch ${ref.name} is not ${remote}'s default branch (${defaultBranch})`;
  if (input.setting !== undefined) {
    const from = input.settingSource === undefined ? '' : ` (${input.settingSource})`;
    const what = input.setting === 'keep' ? `kept as they are; new flows ${onByRef ? 'on' : 'off'}` : input.setting;
    return { mode: input.setting, refDefault: onByRef, explicit: true, message: `schedules: ${what}${from}` };
  }
  return {
    mode: onByRef ? 'on' : 'off',
    refDefault: onByRef,
    explicit: false,
    message: onByRef ? `schedules: on (${refWhy})` : `schedules: off by default: ${refWhy}; pass --schedule to turn them on`,
  };
}

/** The `set_schedule_active` value for one plan item. */
export function scheduleActiveFor(decision: ScheduleDecision, latest: { scheduleActive: boolean } | undefined): boolean {
  if (decision.mode === 'keep') return latest === undefined ? decision.refDefault : latest.scheduleActive;
  return decision.mode === 'on';
}

/** A flow refused before sending: its schedule could never be turned on. */
export function scheduleRefusal(flow: { name: string; flowPath: string }, missing: readonly string[]): FlowResult {
  return {
    name: flow.name,
    flowPath: flow.flowPath,
    status: 'failed',
    flowId: null,
    version: null,
    flowGroupId: null,
    url: null,
    error: {
      code: 'E_SCHEDULE_PARAMETERS',
      message: `Can not schedule a flow that has required parameters. (no default for: ${missing.join(', ')})`,
      hint: 'Give every clock parameter_defaults for them, give the Parameters defaults, or register with --no-schedule.',
    },
  };
}

/**
 * Takes out of the plan the flows that would be sent with their schedule on although required
 * parameters have no default: Prefect Server would register them and silently leave the schedule
 * off (prefect1.md §8.3 step 10). Flows not sent (unchanged) are left alone, and so are flows
 * whose schedule `keep` finds on: the server managed to turn it on (flow group defaults).
 * @returns the plan without them, and a failed result for each.
 */
export function refuseUnschedulable(
  plan: RegistrationPlan,
  flows: readonly FlowToRegister[],
  decision: ScheduleDecision,
): { plan: RegistrationPlan; refused: FlowResult[] } {
  const byName = new Map(flows.map((flow) => [flow.name, flow]));
  const refused: FlowResult[] = [];
  const items = plan.items.filter((item: PlanItem) => {
    const flow = byName.get(item.name);
    const sent = item.action === 'new' || item.action === 'changed';
    if (flow === undefined || !sent || !scheduleActiveFor(decision, item.latest)) return true;
    if (decision.mode === 'keep' && item.latest?.scheduleActive === true) return true;
    const missing = unscheduledRequiredParameters(flow.serialized);
    if (missing.length === 0) return true;
    refused.push(scheduleRefusal(flow, missing));
    return false;
  });
  return { plan: { ...plan, items }, refused };
}
