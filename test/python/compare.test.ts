/** compareLoaders: what `inspect --loader both` reports as static-loader bugs. */
import { describe, expect, it } from 'vitest';
import { compareLoaders, firstDifference } from '../../src/flows/python/index.js';
import type { FlowLoadError, LoadedFlow, LoadResult } from '../../src/flows/types.js';
import { PyFloat, type PyObject } from '../../src/prefect/py-value.js';

function flow(name: string, serialized: PyObject, loader: 'static' | 'python', flowPath = 'flows/a.py'): LoadedFlow {
  return { name, flowPath, loader, serialized };
}

const base = (): PyObject => ({
  name: 'etl',
  tasks: [
    { slug: 'a-1', max_retries: 0 },
    { slug: 'b-1', max_retries: 2, retry_delay: new PyFloat(10) },
  ],
  parameters: [{ default: { ratio: new PyFloat(0.25), n: 3 } }],
  run_config: { labels: [], type: 'UniversalRun' },
});

describe('compareLoaders', () => {
  it('finds no difference between equal flows, whatever the key order', () => {
    const reordered: PyObject = Object.fromEntries(Object.entries(base()).reverse());
    const result = compareLoaders(
      { flows: [flow('etl', base(), 'static')], errors: [] },
      { flows: [flow('etl', reordered, 'python')], errors: [] },
    );
    expect(result).toEqual([]);
  });

  it('gives the first differing path and both values, telling int from float', () => {
    const python = base();
    const tasks = python.tasks as PyObject[];
    tasks[1] = { ...tasks[1], retry_delay: 10 }; // int 10 where the static loader had 10.0
    const [difference, ...rest] = compareLoaders(
      { flows: [flow('etl', base(), 'static')], errors: [] },
      { flows: [flow('etl', python, 'python')], errors: [] },
    );
    expect(rest).toEqual([]);
    expect(difference).toEqual({
      flowPath: 'flows/a.py',
      name: 'etl',
      kind: 'different',
      path: 'tasks[1].retry_delay',
      staticValue: new PyFloat(10),
      pythonValue: 10,
    });
  });

  it('treats a non-integral JS number and an equal PyFloat as the same Python float', () => {
    expect(firstDifference(0.25, new PyFloat(0.25))).toBeUndefined();
    expect(firstDifference(new PyFloat(NaN), new PyFloat(NaN))).toBeUndefined();
    expect(firstDifference(2n ** 60n, 2 ** 60)).toBeUndefined();
    expect(firstDifference({ 'odd key': [1, 2] }, { 'odd key': [1] })).toEqual({ path: '["odd key"][1]', a: 2, b: undefined });
    expect(firstDifference({ a: 1 }, { a: 1, b: null })).toEqual({ path: 'b', a: undefined, b: null });
    expect(firstDifference('x', 'y')).toEqual({ path: '$', a: 'x', b: 'y' });
  });

  it('lists flows only one loader produced, with the static refusal when there was one', () => {
    const refusal: FlowLoadError = {
      code: 'E_UNSUPPORTED',
      file: 'flows/dyn.py',
      line: 4,
      column: 1,
      message: 'a flow built in a loop',
      hint: 'use --loader python',
    };
    const staticResult: LoadResult = { flows: [flow('etl', base(), 'static'), flow('ghost', base(), 'static', 'flows/g.py')], errors: [refusal] };
    const pythonResult: LoadResult = {
      flows: [flow('etl', base(), 'python'), flow('dyn', base(), 'python', 'flows/dyn.py'), flow('other', base(), 'python', 'flows/o.py')],
      errors: [],
    };
    expect(compareLoaders(staticResult, pythonResult)).toEqual([
      { flowPath: 'flows/dyn.py', name: 'dyn', kind: 'only-python', staticErrors: [refusal] },
      { flowPath: 'flows/o.py', name: 'other', kind: 'only-python' },
      { flowPath: 'flows/g.py', name: 'ghost', kind: 'only-static' },
    ]);
  });
});
