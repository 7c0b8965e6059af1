import { describe, expect, it } from 'vitest';
import { flowFileDependencies, keepFlowFiles, recordingReader, selectChangedFiles } from '../../src/flows/changed.js';
import type { FlowLoadError, LoadedFlow } from '../../src/flows/types.js';
import { buildGitStorage } from '../../src/storage/git-storage.js';
import { diffSnapshots } from '../../src/cli/watch-files.js';

const storageFor = (flow: { name: string; flowPath: string }) =>
  buildGitStorage({ repoHost: 'github.com', repo: 'acme/flows', ref: { type: 'branch', name: 'main' }, flowPath: flow.flowPath, flowName: flow.name });

const REPO: Record<string, string> = {
  'flows/a.py': 'from prefect import Flow\nfrom shared.names import NAME\nwith Flow(NAME) as flow:\n    pass\n',
  'flows/b.py': 'from prefect import Flow\nfrom helpers import suffix\nwith Flow("b" + suffix()) as flow:\n    pass\n',
  'flows/c.py': 'from prefect import Flow\nwith Flow("c") as flow:\n    pass\n',
  'flows/helpers.py': 'def suffix():\n    return "-x"\n',
  'shared/__init__.py': '',
  'shared/names.py': 'from .base import PREFIX\nNAME = PREFIX + "a"\n',
  'shared/base.py': 'PREFIX = "team-"\n',
};
const files = ['flows/a.py', 'flows/b.py', 'flows/c.py'].map((path) => ({ path, content: Buffer.from(REPO[path]!) }));
const read = (path: string): Promise<Buffer | undefined> => Promise.resolve(REPO[path] === undefined ? undefined : Buffer.from(REPO[path]));

describe('flowFileDependencies', () => {
  it('records, per flow file, every repository path its imports asked for, transitively', async () => {
    const deps = await flowFileDependencies({ files, readRepoFile: read, storageFor });
    expect([...deps.keys()]).toEqual(['flows/a.py', 'flows/b.py', 'flows/c.py']);
    // a.py imports shared.names, which imports .base: both are dependencies, found in one load.
    expect(deps.get('flows/a.py')).toEqual(expect.any(Set));
    expect([...deps.get('flows/a.py')!]).toEqual(expect.arrayContaining(['shared/names.py', 'shared/base.py', 'shared/__init__.py']));
    expect([...deps.get('flows/b.py')!]).toContain('flows/helpers.py');
    expect([...deps.get('flows/b.py')!]).not.toContain('shared/base.py');
    // Paths that are not there count too: a new flows/shared/names.py would shadow the root's.
    expect([...deps.get('flows/a.py')!]).toContain('flows/shared/names.py');
    expect([...deps.get('flows/c.py')!].filter((path) => REPO[path] !== undefined)).toEqual([]);
  });

  it('attributes a module to every file importing it, not only the first', async () => {
    const two = [
      { path: 'flows/x.py', content: Buffer.from('from helpers import suffix\n') },
      { path: 'flows/y.py', content: Buffer.from('from helpers import suffix\n') },
    ];
    const deps = await flowFileDependencies({ files: two, readRepoFile: read, storageFor });
    expect(deps.get('flows/x.py')?.has('flows/helpers.py')).toBe(true);
    expect(deps.get('flows/y.py')?.has('flows/helpers.py')).toBe(true);
  });

  it('gives a file that does not parse no dependencies', async () => {
    const deps = await flowFileDependencies({ files: [{ path: 'bad.py', content: Buffer.from('def (:\n') }], readRepoFile: read, storageFor });
    expect(deps.get('bad.py')).toEqual(new Set());
  });
});

describe('selectChangedFiles', () => {
  const deps = new Map([
    ['flows/a.py', new Set(['shared/names.py', 'shared/base.py'])],
    ['flows/b.py', new Set(['flows/helpers.py'])],
  ]);
  const all = ['flows/a.py', 'flows/b.py', 'flows/c.py', 'flows/helpers.py'];

  it.each([
    [['flows/c.py'], ['flows/c.py']],
    [['shared/base.py'], ['flows/a.py']],
    [['flows/helpers.py'], ['flows/b.py', 'flows/helpers.py']],
    [['README.md'], []],
    [['shared/base.py', 'flows/c.py'], ['flows/a.py', 'flows/c.py']],
  ])('changed %j takes %j', (changed, expected) => {
    expect([...selectChangedFiles(all, new Set(changed), deps)].sort()).toEqual(expected);
  });
});

describe('keepFlowFiles', () => {
  const flow = (name: string, flowPath: string) => ({ name, flowPath, loader: 'static', serialized: {} }) as LoadedFlow;
  const error = (file: string) => ({ code: 'E_PARSE', file, line: 1, column: 1, message: 'x', hint: 'y' }) as FlowLoadError;

  it('keeps flows and errors of the kept files, and errors tied to no file', () => {
    const { kept, leftOut } = keepFlowFiles({ flows: [flow('a', 'a.py'), flow('b', 'b.py'), flow('b2', 'b.py')], errors: [error('a.py'), error('c.py'), error('')], fileCount: 3 }, new Set(['a.py']));
    expect(kept.flows.map((f) => f.name)).toEqual(['a']);
    expect(kept.errors.map((e) => e.file)).toEqual(['a.py', '']);
    expect(kept.fileCount).toBe(3);
    expect(leftOut).toEqual({ flows: 2, errors: 1 });
  });
});

describe('recordingReader', () => {
  it('remembers every path asked for, found or not, and reads each once', async () => {
    let reads = 0;
    const reader = recordingReader((path) => {
      reads++;
      return read(path);
    });
    await Promise.all([reader.read('flows/helpers.py'), reader.read('flows/helpers.py'), reader.read('missing.py')]);
    expect([...reader.asked]).toEqual(['flows/helpers.py', 'missing.py']);
    expect(reads).toBe(2);
  });
});

describe('diffSnapshots (watch)', () => {
  const snap = (flowFiles: Record<string, string>, extras: Record<string, string> = {}) => ({ flowFiles: new Map(Object.entries(flowFiles)), extras: new Map(Object.entries(extras)) });

  it('reports flow files added, removed and changed', () => {
    expect(diffSnapshots(snap({ 'a.py': '1', 'b.py': '1' }), snap({ 'a.py': '2', 'c.py': '1' }))).toEqual(['a.py', 'b.py', 'c.py']);
    expect(diffSnapshots(snap({ 'a.py': '1' }), snap({ 'a.py': '1' }))).toEqual([]);
  });

  it('reports watched extras that changed or appeared, but not ones that only became watched', () => {
    expect(diffSnapshots(snap({}, { 'lib/x.py': '1', 'lib/y.py': 'absent' }), snap({}, { 'lib/x.py': '2', 'lib/y.py': '1' }))).toEqual(['lib/x.py', 'lib/y.py']);
    expect(diffSnapshots(snap({}, {}), snap({}, { 'lib/new.py': '1' }))).toEqual([]);
  });
});
