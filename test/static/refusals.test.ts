/**
 * Constructs the static loader cannot read with certainty are refused with the file, line,
 * column and construct; flows before and after them in the same file still load.
 */
import { describe, expect, it } from 'vitest';
import { loadSource } from './load-helpers.js';

// Lines 1-10; the construct under test starts on line 11.
const PRELUDE = `import os
from prefect import Flow, task

@task
def show(x):
    print(x)

with Flow("good-before") as good_before:
    show(1)

`;
const AFTER = `
with Flow("good-after") as good_after:
    show(2)
`;

interface Expected {
  code?: string;
  line: number;
  column: number;
  construct: string;
  flow?: string;
  message?: RegExp;
}

async function expectRefusal(bad: string, expected: Expected, extraErrors = 0): Promise<void> {
  const result = await loadSource(PRELUDE + bad + AFTER);
  expect(result.flows.map((f) => f.name)).toEqual(['good-before', 'good-after']);
  expect(result.errors).toHaveLength(1 + extraErrors);
  const error = result.errors[0];
  expect(error).toMatchObject({
    code: expected.code ?? 'E_UNSUPPORTED',
    file: 'flows/flow.py',
    line: expected.line,
    column: expected.column,
    construct: expected.construct,
  });
  expect(error?.flow).toBe(expected.flow);
  expect(error?.message).toContain(`flows/flow.py:${expected.line}:${expected.column}`);
  if (expected.message) expect(error?.message).toMatch(expected.message);
  expect(error?.hint).toMatch(expected.code === 'E_FLOW_LOAD' ? /prefect register/ : /--loader python/);
}

describe('refused constructs', () => {
  it('a loop over a value read at run time (os.environ)', async () => {
    await expectRefusal('with Flow("bad") as bad:\n    for key in os.environ:\n        show(key)\n',
      { line: 12, column: 5, construct: 'for key in os.environ: ...', flow: 'bad', message: /loop/ });
  });

  it('a task imported from a package the loader cannot read', async () => {
    const result = await loadSource(`${PRELUDE}from acme_tasks import fancy\nwith Flow("bad") as bad:\n    fancy(1)\n${AFTER}`);
    expect(result.flows.map((f) => f.name)).toEqual(['good-before', 'good-after']);
    expect(result.errors).toMatchObject([
      { code: 'E_UNSUPPORTED', line: 13, column: 5, construct: 'fancy(1)', flow: 'bad' },
      // The imported name itself could be a Flow that prefect register would register.
      { code: 'E_UNSUPPORTED', line: 11, column: 24, construct: 'fancy' },
    ]);
  });

  it('**kwargs from a dict only known at run time', async () => {
    await expectRefusal('with Flow("bad") as bad:\n    show(**os.environ)\n', { line: 12, column: 10, construct: '**os.environ', flow: 'bad' });
  });

  it('*args of unknown length', async () => {
    await expectRefusal('with Flow("bad") as bad:\n    show(*os.environ.get("ARGS", "").split())\n',
      { line: 12, column: 10, construct: '*os.environ.get("ARGS", "").split()', flow: 'bad' });
  });

  it('a flow name computed at run time', async () => {
    await expectRefusal('with Flow(os.environ["FLOW_NAME"]) as bad:\n    show(3)\n',
      { line: 11, column: 6, construct: 'Flow(os.environ["FLOW_NAME"])', message: /flow name/ });
  });

  it('a while loop refuses the whole file (if it never ends, Python never finishes importing it)', async () => {
    for (const [bad, line, column, construct] of [
      ['with Flow("bad") as bad:\n    n = 0\n    while n < 2:\n        show(n)\n        n += 1\n', 13, 5, 'while n < 2: ...'],
      ['while True: pass\n', 11, 1, 'while True: pass'],
      ['def spin():\n    while True:\n        pass\nspin()\n', 12, 5, 'while True: ...'],
    ] as const) {
      const result = await loadSource(PRELUDE + bad + AFTER);
      expect(result.flows).toEqual([]);
      expect(result.errors).toMatchObject([{ code: 'E_UNSUPPORTED', line, column, construct }]);
      expect(result.errors[0]?.message).toMatch(/while loop/);
    }
  });

  it('a for loop that may never end refuses the whole file: a list growing as it is looped over, or computation past the step budget', async () => {
    for (const [bad, line, column, message] of [
      ['xs = [1]\nfor x in xs:\n    xs.append(x)\n', 12, 1, /list that grows/],
      ['n = 0\nfor i in range(1000):\n    for j in range(1000):\n        n += 1\n', 14, 9, /evaluation steps/],
    ] as const) {
      const result = await loadSource(PRELUDE + bad + AFTER);
      expect(result.flows).toEqual([]);
      expect(result.errors).toMatchObject([{ code: 'E_UNSUPPORTED', line, column }]);
      expect(result.errors[0]?.message).toMatch(message);
    }
  });

  it('a finite loop over too many items refuses that statement only', async () => {
    await expectRefusal('for i in range(200000):\n    show(i)\n', { line: 11, column: 1, construct: 'for i in range(200000): ...', message: /more than 100000 items/ });
  });

  it('a while loop that never runs changes nothing', async () => {
    const result = await loadSource(`${PRELUDE}def spin():\n    while True:\n        pass\n${AFTER}`);
    expect(result.flows.map((f) => f.name)).toEqual(['good-before', 'good-after']);
    expect(result.errors).toEqual([]);
  });

  it('exec and eval refuse the whole file (they may define any name, flows included)', async () => {
    for (const [code, column, construct] of [['exec("show(1)")', 5, 'exec("show(1)")'], ['show(eval("1 + 1"))', 10, 'eval("1 + 1")']] as const) {
      const result = await loadSource(`${PRELUDE}with Flow("bad") as bad:\n    ${code}\n${AFTER}`);
      expect(result.flows).toEqual([]);
      expect(result.errors).toMatchObject([{ code: 'E_UNSUPPORTED', line: 12, column, construct, message: /may define or replace any name/ }]);
    }
  });

  it('a Prefect task class the loader does not model (ShellTask)', async () => {
    await expectRefusal('from prefect.tasks.shell import ShellTask\nwith Flow("bad") as bad:\n    ShellTask(command="ls")()\n',
      { line: 13, column: 5, construct: 'ShellTask(command="ls")', flow: 'bad', message: /ShellTask/ });
  });

  it('a decorator other than task', async () => {
    await expectRefusal('import functools\n@functools.lru_cache()\ndef work():\n    return show(1)\nwith Flow("bad") as bad:\n    work()\n',
      { line: 16, column: 5, construct: 'work()', flow: 'bad' });
  });

  it('a Task subclass overriding behaviour Prefect defines (inputs, __call__, ...)', async () => {
    await expectRefusal('from prefect import Task\nclass Custom(Task):\n    def inputs(self):\n        return {}\nwith Flow("bad") as bad:\n    Custom()()\n',
      { line: 16, column: 5, construct: 'Custom()', flow: 'bad', message: /overrides Task.inputs/ });
  });

  it('try/except around flow building', async () => {
    await expectRefusal('with Flow("bad") as bad:\n    try:\n        show(4)\n    except ValueError:\n        pass\n',
      { line: 12, column: 5, construct: 'try: ...', flow: 'bad', message: /try/ });
  });

  it('comparing tasks', async () => {
    await expectRefusal('with Flow("bad") as bad:\n    a = show(5)\n    if a > 3:\n        show(6)\n', { line: 13, column: 8, construct: 'a > 3', flow: 'bad' });
  });

  it('an operator between an unknown value and a task', async () => {
    await expectRefusal('with Flow("bad") as bad:\n    total = os.environ["OFFSET"] + show(9)\n',
      { line: 12, column: 13, construct: 'os.environ["OFFSET"] + show(9)', flow: 'bad' });
  });

  it('__name__ compared with anything but "__main__"', async () => {
    await expectRefusal('with Flow("bad") as bad:\n    if __name__ == "<flow>":\n        show(7)\n',
      { line: 12, column: 8, construct: '__name__ == "<flow>"', flow: 'bad', message: /__name__/ });
  });

  it('an unknown function result used as a task option', async () => {
    await expectRefusal('import socket\n@task(name=socket.gethostname())\ndef named():\n    pass\nwith Flow("bad") as bad:\n    named()\n',
      { line: 12, column: 1, construct: '@task(name=socket.gethostname())', flow: 'bad', message: /task name/ });
  });

  it('a flow handed to a function the loader cannot read', async () => {
    await expectRefusal('import acme_helpers\nwith Flow("bad") as bad:\n    show(8)\nacme_helpers.decorate(bad)\n',
      { line: 14, column: 1, construct: 'acme_helpers.decorate(bad)', flow: 'bad', message: /passing a Flow/ });
  });

  it('a relative LocalRun working_dir (made absolute on the registering machine)', async () => {
    await expectRefusal('from prefect.run_configs import LocalRun\nwith Flow("bad", run_config=LocalRun(working_dir="jobs")) as bad:\n    show(10)\n',
      { line: 12, column: 29, construct: 'LocalRun(working_dir="jobs")', message: /working_dir/ });
  });

  it('a local job_template_path (read and inlined at registration)', async () => {
    await expectRefusal('from prefect.run_configs import KubernetesRun\nwith Flow("bad", run_config=KubernetesRun(job_template_path="job.yaml")) as bad:\n    show(10)\n',
      { line: 12, column: 29, construct: 'KubernetesRun(job_template_path="job.yaml")', message: /job_template_path/ });
  });

  it('an interval under one minute fails when the flow is serialized (only that flow)', async () => {
    await expectRefusal(
      'from datetime import timedelta\nfrom prefect.schedules import Schedule\nfrom prefect.schedules.clocks import IntervalClock\n' +
        'with Flow("bad", schedule=Schedule(clocks=[IntervalClock(timedelta(seconds=30))])) as bad:\n    show(11)\n',
      { code: 'E_FLOW_LOAD', line: 14, column: 44, construct: 'IntervalClock(timedelta(seconds=30))', flow: 'bad', message: /less than one minute/ });
  });

  it('a mutable list changed by a refused statement poisons the flows that use it', async () => {
    const result = await loadSource(`${PRELUDE}items = [1, 2]\nfor key in os.environ:\n    items.append(0)\nwith Flow("uses-items") as uses:\n    for i in items:\n        show(i)\n${AFTER}`);
    expect(result.flows.map((f) => f.name)).toEqual(['good-before', 'good-after']);
    expect(result.errors).toMatchObject([{ code: 'E_UNSUPPORTED', line: 12, column: 1, construct: 'for key in os.environ: ...', flow: 'uses-items' }]);
  });
});

describe('constructs that make more than one flow uncertain', () => {
  it('changing prefect.context refuses every task created afterwards', async () => {
    const result = await loadSource(`${PRELUDE}import prefect\nprefect.context.update(tags={"x"})\n${AFTER}`);
    expect(result.flows.map((f) => f.name)).toEqual(['good-before']);
    expect(result.errors).toMatchObject([
      { code: 'E_UNSUPPORTED', line: 12, column: 1, construct: 'prefect.context.update(tags={"x"})', flow: 'good-after', message: /context/ },
    ]);
  });

  it('a star import from outside the repository refuses the whole file', async () => {
    const result = await loadSource(`${PRELUDE}from acme_tasks import *\n${AFTER}`);
    expect(result.flows).toEqual([]);
    expect(result.errors).toMatchObject([{ code: 'E_UNSUPPORTED', line: 11, column: 1, construct: 'from acme_tasks import *' }]);
  });
});

describe('errors Python raises too', () => {
  it('a syntax error fails the whole file with E_PARSE at its position', async () => {
    const result = await loadSource(`${PRELUDE}with Flow("bad") as bad:\n    show(1\n${AFTER}`);
    expect(result.flows).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ code: 'E_PARSE', file: 'flows/flow.py' });
    expect(result.errors[0]?.line).toBeGreaterThanOrEqual(12);
  });

  it('a relative import in the flow script fails the file (run_path has no package)', async () => {
    const result = await loadSource(`${PRELUDE}from .helpers import thing\n${AFTER}`);
    expect(result.flows).toEqual([]);
    expect(result.errors).toMatchObject([{ code: 'E_FLOW_LOAD', line: 11, column: 1, message: /ImportError/ }]);
  });

  it('a task called outside a flow block fails the file', async () => {
    const result = await loadSource(`${PRELUDE}show(3)\n${AFTER}`);
    expect(result.flows).toEqual([]);
    expect(result.errors).toMatchObject([{ code: 'E_FLOW_LOAD', line: 11, column: 1, message: /Could not infer an active Flow context/ }]);
  });

  it('two Parameters with the same name fail the file (duplicate slug)', async () => {
    const result = await loadSource(`${PRELUDE}from prefect import Parameter\nwith Flow("dup") as dup:\n    show(Parameter("p"))\n    show(Parameter("p"))\n${AFTER}`);
    expect(result.flows).toEqual([]);
    expect(result.errors).toMatchObject([{ code: 'E_FLOW_LOAD', line: 14, message: /A task with the slug "p" already exists/ }]);
  });
});
