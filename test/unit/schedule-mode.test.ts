import { describe, expect, it } from 'vitest';
import { decideSchedule, refuseUnschedulable, scheduleActiveFor } from '../../src/register/schedule-mode.js';
import type { PlanItem, RegistrationPlan } from '../../src/register/types.js';
import { intervalSchedule, makeFlow } from '../register/helpers.js';

const decide = (ref: { type: 'branch' | 'tag'; name: string }, setting?: 'on' | 'off' | 'keep', defaultBranch: string | null = 'main') =>
  decideSchedule({ setting, settingSource: setting === undefined ? undefined : '--schedule', ref, defaultBranch: defaultBranch ?? undefined, remote: 'origin' });

describe('decideSchedule', () => {
  it.each([
    [{ type: 'tag' as const, name: 'v1' }, 'on'],
    [{ type: 'branch' as const, name: 'main' }, 'on'],
    [{ type: 'branch' as const, name: 'feature/x' }, 'off'],
  ])('defaults %j to %s', (ref, mode) => {
    const decision = decide(ref);
    expect(decision).toMatchObject({ mode, explicit: false });
  });

  it('says why a feature branch is off and how to turn schedules on', () => {
    expect(decide({ type: 'branch', name: 'feature/x' }).message).toBe(
      "schedules: off by default: branch feature/x is not origin's default branch (main); pass --schedule to turn them on",
    );
  });

  it('an explicit setting wins on any ref', () => {
    expect(decide({ type: 'branch', name: 'feature/x' }, 'on')).toMatchObject({ mode: 'on', explicit: true, refDefault: false });
    expect(decide({ type: 'tag', name: 'v1' }, 'off')).toMatchObject({ mode: 'off', explicit: true });
    expect(decide({ type: 'branch', name: 'feature/x' }, 'keep').message).toBe('schedules: kept as they are; new flows off (--schedule)');
  });

  it('keeps schedules on when the default branch is unknown (Prefect\'s own default)', () => {
    const decision = decide({ type: 'branch', name: 'feature/x' }, undefined, null);
    expect(decision).toMatchObject({ mode: 'on' });
    expect(decision.message).toContain("origin's default branch is unknown");
  });
});

describe('scheduleActiveFor', () => {
  it('keep carries the latest state over, and new flows get the ref default', () => {
    const keepOnBranch = decide({ type: 'branch', name: 'feature/x' }, 'keep');
    expect(scheduleActiveFor(keepOnBranch, { scheduleActive: true })).toBe(true);
    expect(scheduleActiveFor(keepOnBranch, { scheduleActive: false })).toBe(false);
    expect(scheduleActiveFor(keepOnBranch, undefined)).toBe(false);
    expect(scheduleActiveFor(decide({ type: 'branch', name: 'main' }, 'keep'), undefined)).toBe(true);
    expect(scheduleActiveFor(decide({ type: 'tag', name: 'v1' }, 'off'), { scheduleActive: true })).toBe(false);
  });
});

describe('refuseUnschedulable', () => {
  const required = { __version__: '1.4.1', default: null, name: 'day', required: true, slug: 'day', type: 'prefect.core.parameter.Parameter' };
  const unschedulable = makeFlow('needs-day', { schedule: intervalSchedule(), parameters: [required] });
  const fine = makeFlow('fine', { schedule: intervalSchedule() });
  const plan = (items: PlanItem[]): RegistrationPlan => ({ project: { name: 'p', id: 'x', willCreate: false, tenantId: null }, tenant: null, items, force: false });
  const item = (name: string, action: PlanItem['action'], scheduleActive?: boolean): PlanItem => ({
    name,
    flowPath: `flows/${name}.py`,
    action,
    reason: '',
    ...(scheduleActive === undefined ? {} : { latest: { id: 'f', version: 1, flowGroupId: 'g', archived: false, scheduleActive, storage: null, flowGroupDescription: null } }),
  });

  it('refuses a sent flow whose schedule would be on with required parameters, and keeps the others', () => {
    const { plan: kept, refused } = refuseUnschedulable(plan([item('needs-day', 'new'), item('fine', 'new')]), [unschedulable, fine], decide({ type: 'tag', name: 'v1' }));
    expect(kept.items.map((i) => i.name)).toEqual(['fine']);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.error?.code).toBe('E_SCHEDULE_PARAMETERS');
  });

  it('leaves it alone with schedules off, when unchanged (not sent), or when keep finds it on', () => {
    const off = decide({ type: 'branch', name: 'feature/x' });
    expect(refuseUnschedulable(plan([item('needs-day', 'new')]), [unschedulable], off).refused).toEqual([]);
    expect(refuseUnschedulable(plan([item('needs-day', 'unchanged', false)]), [unschedulable], decide({ type: 'tag', name: 'v1' })).refused).toEqual([]);
    expect(refuseUnschedulable(plan([item('needs-day', 'changed', true)]), [unschedulable], decide({ type: 'tag', name: 'v1' }, 'keep')).refused).toEqual([]);
    expect(refuseUnschedulable(plan([item('needs-day', 'new')]), [unschedulable], decide({ type: 'tag', name: 'v1' }, 'keep')).refused).toHaveLength(1);
  });
});
