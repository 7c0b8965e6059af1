/**
 * Beyond the golden flows, configuration: run configs, schedules, labels and task options.
 * Real Prefect is not available here, so each expectation is derived by hand from the reference rules (cited in the
 * comments: §2.1 slugs in add order, §2.3 auto-generated tasks, §2.4 constants, §1.6/§1.7
 * schedules and run configs) and kept deliberately small.
 */
import { describe, expect, it } from 'vitest';
import { edges, loadSource, serialized, slugs, task } from './load-helpers.js';


describe('run configs, schedules and labels', () => {
  it('run configs keep their fields; --label values are merged and sorted', async () => {
    const result = await loadSource(`from prefect import Flow
from prefect.run_configs import DockerRun, ECSRun, LocalRun, VertexRun

with Flow("local", run_config=LocalRun(working_dir="/srv//jobs/./x/../y", labels=["b"])) as local:
    pass
with Flow("ecs", run_config=ECSRun(cpu=1024, memory=2.5, image="img", labels=["a"])) as ecs:
    pass
with Flow("vertex", run_config=VertexRun(env={"K": "V"})) as vertex:
    pass
`, { labels: ['z', 'a'] });
    expect(result.errors).toEqual([]);
    const rc = (name: string): unknown => serialized(result, name).run_config;
    // §1.7: working_dir is os.path.abspath'd (normalized); labels are a sorted set with --label merged.
    expect(rc('local')).toEqual({ env: null, labels: ['a', 'b', 'z'], working_dir: '/srv/jobs/y', __version__: '1.4.1', type: 'LocalRun' });
    expect(rc('ecs')).toMatchObject({ cpu: '1024', memory: '2.5', image: 'img', task_definition: null, labels: ['a', 'z'], type: 'ECSRun' });
    expect(rc('vertex')).toMatchObject({ env: { K: 'V' }, machine_type: 'e2-standard-4', image: null, worker_pool_specs: null, type: 'VertexRun' });
  });

  it('clocks: naive datetimes are UTC, pendulum zones kept, parameter_defaults and labels', async () => {
    const result = await loadSource(`from datetime import datetime, timedelta
import pendulum
from prefect import Flow
from prefect.schedules import Schedule
from prefect.schedules.clocks import CronClock, IntervalClock

schedule = Schedule(clocks=[
    IntervalClock(timedelta(hours=1), start_date=datetime(2024, 1, 1), end_date=pendulum.datetime(2024, 6, 1, 12, 0, 0, 500, tz="Asia/Tokyo")),
    CronClock("*/15 8-18 * * mon-fri", labels=["b", "a"], parameter_defaults={"x": 1.0}, day_or=False),
])
with Flow("scheduled", schedule=schedule) as flow:
    pass
`);
    expect(result.errors).toEqual([]);
    expect(serialized(result, 'scheduled').schedule).toEqual({
      clocks: [
        {
          start_date: { dt: '2024-01-01T00:00:00', tz: 'UTC' },
          end_date: { dt: '2024-06-01T12:00:00.000500', tz: 'Asia/Tokyo' },
          interval: 3_600_000_000, parameter_defaults: {}, labels: null, __version__: '1.4.1', type: 'IntervalClock',
        },
        {
          start_date: null, end_date: null, cron: '*/15 8-18 * * mon-fri', parameter_defaults: { x: expect.objectContaining({ value: 1 }) as unknown },
          labels: ['b', 'a'], day_or: false, __version__: '1.4.1', type: 'CronClock',
        },
      ],
      filters: [], or_filters: [], not_filters: [], adjustments: [], __version__: '1.4.1',
    });
  });

  it('a wall time skipped by a DST change is refused', async () => {
    const result = await loadSource(`import pendulum
from prefect import Flow
from prefect.schedules import Schedule
from prefect.schedules.clocks import CronClock
with Flow("dst", schedule=Schedule(clocks=[CronClock("0 * * * *", start_date=pendulum.datetime(2023, 3, 26, 2, 30, tz="Europe/Berlin"))])) as flow:
    pass
`);
    expect(result.flows).toEqual([]);
    expect(result.errors[0]).toMatchObject({ code: 'E_UNSUPPORTED', line: 5, message: /DST/ });
  });
});

describe('task options and module-level calls', () => {
  it('triggers with closure values, cache settings, timeouts and DateTimeParameter', async () => {
    const result = await loadSource(`from datetime import timedelta
from prefect import Flow, task
from prefect.core.parameter import DateTimeParameter
from prefect.triggers import some_successful
from prefect.engine.cache_validators import partial_inputs_only

@task(trigger=some_successful(at_least=1), cache_for=timedelta(hours=1), cache_key="k", timeout=timedelta(minutes=2))
def a(when=None):
    pass

@task(cache_for=timedelta(seconds=90.5), cache_validator=partial_inputs_only(validate_on=["when"]))
def b(when=None):
    pass

with Flow("options") as flow:
    when = DateTimeParameter("when")
    a(when)
    b(when)

flow.register(project_name="ignored")
if __name__ == "__main__":
    flow.run()
`);
    expect(result.errors).toEqual([]);
    // §1.3: stateful triggers keep their closure values; cache_for alone selects duration_only.
    expect(task(result, 'options', 'a-1')).toMatchObject({
      trigger: { fn: 'prefect.triggers.some_successful', kwargs: { at_least: 1, at_most: null } },
      cache_for: 3600, cache_key: 'k', timeout: 120,
      cache_validator: { fn: 'prefect.engine.cache_validators.duration_only', kwargs: {} },
    });
    expect(task(result, 'options', 'b-1')).toMatchObject({
      cache_for: 90, cache_validator: { fn: 'prefect.engine.cache_validators.partial_inputs_only', kwargs: { validate_on: ['when'] } },
    });
    // §1.4: DateTimeParameter is required by default.
    expect(serialized(result, 'options').parameters).toMatchObject([{ type: 'prefect.core.parameter.DateTimeParameter', name: 'when', required: true, default: null }]);
  });

  it('code that cannot affect flows is not refused', async () => {
    const result = await loadSource(`import logging, os, json
from prefect import Flow, task

logging.basicConfig(level=logging.INFO)
log = logging.getLogger(__name__)
CONFIG = json.loads(os.environ.get("CONFIG", "{}"))

def never_called():
    while True:
        exec("anything")

@task
def use(value):
    pass

with Flow("plain") as flow:
    print("building", CONFIG)
    use(CONFIG.get("x"))
    use(os.getenv("HOME"))
`);
    expect(result.errors).toEqual([]);
    // Unknown plain values passed by keyword become flow constants, which are never serialized (§2.4).
    expect(slugs(result, 'plain')).toEqual(['use-1', 'use-2']);
    expect(edges(result, 'plain')).toEqual([]);
  });

  it('a coding cookie other than UTF-8 with non-ASCII text is refused, pure ASCII is read', async () => {
    const latin = Buffer.concat([Buffer.from('# -*- coding: latin-1 -*-\nx = "'), Buffer.from([0xe9]), Buffer.from('"\n')]);
    expect((await loadSource(latin)).errors).toMatchObject([{ code: 'E_UNSUPPORTED', line: 1, column: 1 }]);
    const ascii = await loadSource('# coding: latin-1\nfrom prefect import Flow\nwith Flow("ascii") as f:\n    pass\n');
    expect(ascii.flows.map((f) => f.name)).toEqual(['ascii']);
  });
});

