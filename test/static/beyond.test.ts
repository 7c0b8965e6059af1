/**
 * Beyond the golden flows: constructs whose Prefect 1.4.1 result is certain. Real Prefect is not
 * available here, so each expectation is derived by hand from the reference rules (cited in the
 * comments: §2.1 slugs in add order, §2.3 auto-generated tasks, §2.4 constants, §1.6/§1.7
 * schedules and run configs) and kept deliberately small.
 */
import { describe, expect, it } from 'vitest';
import { edges, loadSource, slugs, task } from './load-helpers.js';

const HEAD = 'from prefect import Flow, Parameter, Task, task, tags, unmapped, flatten\n';

describe('module-level Python the loader evaluates', () => {
  it('constants, f-strings, loops, comprehensions and helper functions', async () => {
    const result = await loadSource(`${HEAD}
TABLES = ["users", "orders"]
PREFIX = "sync"

@task
def copy_table(name):
    pass

@task
def report(names):
    pass

def copy_all(tables):
    return [copy_table(f"{PREFIX}_{t}") for t in tables if t != "skip"]

with Flow(f"{PREFIX}-" + str(len(TABLES))) as flow:
    copied = copy_all(TABLES + ["skip"])
    report(copied)
`);
    expect(result.errors).toEqual([]);
    // §2.1: copy_table-1, copy_table-2 in call order; report-1 is added before its List argument (§2.3).
    expect(slugs(result, 'sync-2')).toEqual(['List-1', 'copy_table-1', 'copy_table-2', 'report-1']);
    expect(edges(result, 'sync-2')).toEqual([
      'List-1 -> report-1 [names]',
      'copy_table-1 -> List-1 [arg_1]',
      'copy_table-2 -> List-1 [arg_2]',
    ]);
  });

  it('if on known values, for-else, break and continue', async () => {
    const result = await loadSource(`${HEAD}
ENV = "prod"
@task
def step(i):
    pass

with Flow("branches") as flow:
    if ENV == "dev":
        step(-1)
    elif ENV == "prod":
        for i in range(10):
            if i == 1:
                continue
            if i > 2:
                break
            step(i)
        else:
            step(99)
`);
    expect(result.errors).toEqual([]);
    // i = 0 and i = 2 run; the else branch of the loop does not (it was left by break).
    expect(slugs(result, 'branches')).toEqual(['step-1', 'step-2']);
  });

  it('with prefect.tags(...) nests, and bind() adds context tags after the slug', async () => {
    const result = await loadSource(`${HEAD}import prefect
@task
def t(x=None):
    pass

free = t.copy()

with Flow("tagged") as flow:
    with prefect.tags("outer"):
        t()
        with tags("inner", "b"):
            t()
            free.bind(x=1)
`);
    expect(result.errors).toEqual([]);
    // §2.1: slugs use the tags a task has when added; bind() adds the context tags afterwards.
    expect(slugs(result, 'tagged')).toEqual(['t-1', 't-b-inner-outer-1', 't-outer-1']);
    expect(task(result, 'tagged', 't-1').tags).toEqual(['b', 'inner', 'outer']);
  });

  it('operators on tasks build operator tasks; task[key] builds GetItem named after repr(key)', async () => {
    const result = await loadSource(`${HEAD}
@task
def n():
    return 1

with Flow("ops") as flow:
    a = n()
    b = a + 1
    c = 10 * a
    d = a["x"]
    e = a | n()
`);
    expect(result.errors).toEqual([]);
    // Task.__add__ / __rmul__ bind (x, y) in operand order; __or__ is a state dependency (§2.5).
    expect(slugs(result, 'ops')).toEqual(['Add-1', 'Mul-1', 'n-1', 'n-2', "n['x']-1"]);
    expect(edges(result, 'ops')).toEqual([
      'n-1 -> Add-1 [x]',
      'n-1 -> Mul-1 [y]',
      'n-1 -> n-2 []',
      "n-1 -> n['x']-1 [task_result]",
    ]);
  });
});

describe('tasks from other files of the repository', () => {
  const repo = {
    'flows/helpers.py': 'def flow_name(x):\n    return f"team-{x}"\n',
    'shared/__init__.py': '',
    'shared/consts.py': 'SOURCE = "crm"\n',
    'shared/tasks.py': 'from prefect import Task, task\nfrom .consts import SOURCE\n\nclass Extract(Task):\n    def run(self) -> list:\n        return []\n\n@task(tags=[SOURCE])\ndef clean(rows):\n    return rows\n',
  };

  it('imports from the flow folder and the repository root; class types use the module name', async () => {
    const result = await loadSource(`from prefect import Flow
from shared.tasks import Extract, clean
from helpers import flow_name
import shared.consts as C

with Flow(flow_name("etl")) as flow:
    rows = Extract(name="extract-" + C.SOURCE)()
    clean(rows)
`, { repo });
    expect(result.errors).toEqual([]);
    // The imported module is imported normally: __name__ is "shared.tasks", so the class type is too.
    expect(task(result, 'team-etl', 'extract-crm-1')).toMatchObject({ type: 'shared.tasks.Extract', outputs: "<class 'list'>" });
    expect(slugs(result, 'team-etl')).toEqual(['clean-crm-1', 'extract-crm-1']);
    expect(edges(result, 'team-etl')).toEqual(['extract-crm-1 -> clean-crm-1 [rows]']);
  });

  it('a Flow imported into the script is registered too, in namespace order', async () => {
    const result = await loadSource(`from prefect import Flow
from other_flows import nightly

with Flow("local") as local:
    pass
`, { repo: { 'flows/other_flows.py': 'from prefect import Flow\nwith Flow("nightly") as nightly:\n    pass\n' } });
    expect(result.errors).toEqual([]);
    expect(result.flows.map((f) => [f.name, f.flowPath])).toEqual([['nightly', 'flows/flow.py'], ['local', 'flows/flow.py']]);
  });

  it('a module that is not in the repository stays unknown (and is refused where it matters)', async () => {
    const result = await loadSource('from prefect import Flow\nfrom shared.tasks import clean\nwith Flow("f") as f:\n    clean(1)\n');
    expect(result.flows).toEqual([]);
    expect(result.errors.map((e) => [e.line, e.column, e.construct, e.flow])).toEqual([[4, 5, 'clean(1)', 'f'], [2, 26, 'clean', undefined]]);
  });
});

describe('Prefect details', () => {
  it('mapped constants become Constant tasks named by repr (at most 8 characters) or type', async () => {
    const result = await loadSource(`${HEAD}
@task
def inc(x, y=0):
    pass

with Flow("mapped") as flow:
    inc.map([1, 2, 3], y=unmapped(5))
    inc.map(flatten([[1]]))
    inc.map("abcdefghij")
`);
    expect(result.errors).toEqual([]);
    // §2.3/§2.4: repr([1, 2, 3]) has 9 characters -> Constant[list]; unmapped(5) is a flow constant;
    // repr([[1]]) is short -> its own name; a 10-letter str -> Constant[str].
    expect(slugs(result, 'mapped')).toEqual(['Constant[list]-1', 'Constant[str]-1', '[[1]]-1', 'inc-1', 'inc-2', 'inc-3']);
    expect(edges(result, 'mapped')).toEqual([
      'Constant[list]-1 -> inc-1 [x] mapped',
      'Constant[str]-1 -> inc-3 [x] mapped',
      '[[1]]-1 -> inc-2 [x] mapped flattened',
    ]);
  });

  it('explicit slugs, task_args, set_upstream/set_downstream with keys, flow.chain', async () => {
    const result = await loadSource(`${HEAD}
@task(slug="fixed")
def a():
    pass

@task
def b(x=None):
    pass

with Flow("wiring") as flow:
    first = a()
    second = b(task_args={"name": "renamed", "tags": ["t"]})
    third = b()
    third.set_upstream(first, key="x")
    first.set_downstream(second)
    flow.chain(second, third)
`);
    expect(result.errors).toEqual([]);
    // §2.1: calling a task with a slug gives "<slug>-copy".
    expect(slugs(result, 'wiring')).toEqual(['b-1', 'fixed-copy', 'renamed-t-1']);
    expect(edges(result, 'wiring')).toEqual(['fixed-copy -> b-1 [x]', 'fixed-copy -> renamed-t-1 []', 'renamed-t-1 -> b-1 []']);
  });

  it('case with a parameter and a string value, merged back', async () => {
    const result = await loadSource(`${HEAD}from prefect import case
from prefect.tasks.control_flow import merge

@task
def go(v=None):
    pass

with Flow("cases") as flow:
    mode = Parameter("mode", default="full")
    with case(mode, "full"):
        full = go()
    with case(mode, "delta"):
        delta = go()
    go(merge(full, delta))
`);
    expect(result.errors).toEqual([]);
    // CompareValue is named case(<str(value)>); Merge binds task_1, task_2 (golden control/case_merge).
    expect(slugs(result, 'cases')).toEqual(['Merge-1', 'case(delta)-1', 'case(full)-1', 'go-1', 'go-2', 'go-3', 'mode']);
    expect(edges(result, 'cases')).toEqual([
      'Merge-1 -> go-3 [v]',
      'case(delta)-1 -> go-2 []',
      'case(full)-1 -> go-1 []',
      'go-1 -> Merge-1 [task_1]',
      'go-2 -> Merge-1 [task_2]',
      'mode -> case(delta)-1 [value]',
      'mode -> case(full)-1 [value]',
    ]);
  });

  it('the Task base class, annotations and nout from a Tuple return annotation', async () => {
    const result = await loadSource(`from typing import Dict, List, Tuple
from prefect import Flow, Task, task

class Row:
    pass

@task
def split(rows: List[Dict[str, int]], flag: bool = False) -> Tuple[int, Row]:
    pass

with Flow("typed") as flow:
    first, second = split([])
    Task(name="noop")()
`);
    expect(result.errors).toEqual([]);
    expect(task(result, 'typed', 'split-1')).toMatchObject({
      inputs: { rows: { required: true, type: 'typing.List[typing.Dict[str, int]]' }, flag: { required: false, type: "<class 'bool'>" } },
      outputs: 'typing.Tuple[int, <flow>.Row]',
    });
    expect(task(result, 'typed', 'noop-1')).toMatchObject({ type: 'prefect.core.task.Task', inputs: {}, outputs: 'None' });
    expect(slugs(result, 'typed')).toEqual(['noop-1', 'split-1', 'split[0]-1', 'split[1]-1']);
  });

  it('from __future__ import annotations keeps annotations as text', async () => {
    const result = await loadSource(`from __future__ import annotations
from prefect import Flow, task

@task
def f(x: list[int], y: "Quoted" = None) -> dict:
    pass

with Flow("future") as flow:
    f([])
`);
    expect(result.errors).toEqual([]);
    expect(task(result, 'future', 'f-1')).toMatchObject({ inputs: { x: { type: 'list[int]' }, y: { type: "'Quoted'" } }, outputs: 'dict' });
  });

  it('a flow bound to two names fails like prefect register (Name conflict)', async () => {
    const result = await loadSource('from prefect import Flow\nwith Flow("twice") as a:\n    pass\nb = a\n');
    expect(result.flows.map((f) => f.name)).toEqual(['twice']);
    expect(result.errors).toMatchObject([{ code: 'E_FLOW_LOAD', flow: 'twice', message: /Name conflict/ }]);
  });
});
