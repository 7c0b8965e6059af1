/**
 * The library API (src/index.ts): its signatures are pinned here at the type level, so a change
 * that would break library users fails `tsc`/vitest instead of shipping; and every exported
 * function and class must carry JSDoc in its own module.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as api from '../../src/index.js';
import type {
  ApplyResult,
  BuildGitStorageOptions,
  FlowToRegister,
  FlowsLoaded,
  GitRepo,
  GitStorage,
  LoadFlowsOptions,
  LoadFlowsPythonOptions,
  LoadResult,
  OpenRepoOptions,
  PlanOptions,
  PrefectApi,
  PrefectApiOptions,
  PyJsonDumpsOptions,
  PyJsonValue,
  PyValue,
  PythonLoadResult,
  RefResolution,
  RegisterOptions,
  RegisterResult,
  RegistrationPlan,
  RemoteInfo,
  ResolveRefOptions,
  StaticLoadOptions,
  ApplyOptions,
} from '../../src/index.js';

const REQUIRED = [
  'resolveRef',
  'openRepo',
  'parseRemoteUrl',
  'buildGitStorage',
  'loadFlows',
  'loadFlowsStatic',
  'loadFlowsPython',
  'pyjsonDumps',
  'parsePyJson',
  'idempotencyKey',
  'compressFlow',
  'createPrefectApi',
  'planRegistration',
  'applyPlan',
  'register',
] as const;

describe('library API (src/index.ts)', () => {
  it('exports the data-path functions', () => {
    for (const name of REQUIRED) expect(typeof api[name], name).toBe('function');
  });

  it('keeps their signatures', () => {
    expectTypeOf(api.resolveRef).toEqualTypeOf<(options: ResolveRefOptions) => Promise<RefResolution>>();
    expectTypeOf(api.openRepo).toEqualTypeOf<(cwd: string, options?: OpenRepoOptions) => Promise<GitRepo>>();
    expectTypeOf(api.parseRemoteUrl).toEqualTypeOf<(url: string) => RemoteInfo>();
    expectTypeOf(api.buildGitStorage).toEqualTypeOf<(options: BuildGitStorageOptions) => GitStorage>();
    expectTypeOf(api.loadFlows).toEqualTypeOf<(options: LoadFlowsOptions) => Promise<FlowsLoaded>>();
    expectTypeOf(api.loadFlowsStatic).toEqualTypeOf<(options: StaticLoadOptions) => Promise<LoadResult>>();
    expectTypeOf(api.loadFlowsPython).toEqualTypeOf<(options: LoadFlowsPythonOptions) => Promise<PythonLoadResult>>();
    expectTypeOf(api.pyjsonDumps).toEqualTypeOf<(value: PyJsonValue, options?: PyJsonDumpsOptions) => string>();
    expectTypeOf(api.parsePyJson).toBeCallableWith('{"a": 1.0}');
    expectTypeOf(api.parsePyJson('1')).toEqualTypeOf<PyValue>();
    expectTypeOf(api.idempotencyKey).toEqualTypeOf<(flow: PyJsonValue) => string>();
    expectTypeOf(api.compressFlow).toEqualTypeOf<(flow: PyJsonValue) => string>();
    expectTypeOf(api.createPrefectApi).toEqualTypeOf<(options: PrefectApiOptions) => PrefectApi>();
    expectTypeOf(api.planRegistration).toEqualTypeOf<(options: PlanOptions) => Promise<RegistrationPlan>>();
    expectTypeOf(api.applyPlan).toEqualTypeOf<(options: ApplyOptions) => Promise<ApplyResult>>();
    expectTypeOf(api.register).toEqualTypeOf<(options: RegisterOptions) => Promise<RegisterResult>>();
  });

  it("pins register()'s own options and result, which do not follow the CLI's", () => {
    expectTypeOf<RegisterOptions>().toEqualTypeOf<{
      api: PrefectApi;
      projectName: string;
      flows: readonly api.RegisterFlowInput[];
      createProject?: boolean | undefined;
      force?: boolean | undefined;
      setScheduleActive?: boolean | undefined;
      concurrency?: number | undefined;
      uiUrl?: string | undefined;
      dryRun?: boolean | undefined;
      onEvent?: ((event: api.RegisterEvent) => void) | undefined;
    }>();
    expectTypeOf<RegisterResult>().toEqualTypeOf<{ plan: RegistrationPlan; result: ApplyResult | null }>();
    // A loader's flows and the plan's inputs are both accepted as they are.
    expectTypeOf<api.LoadedFlow>().toMatchTypeOf<api.RegisterFlowInput>();
    expectTypeOf<FlowToRegister>().toMatchTypeOf<api.RegisterFlowInput>();
  });

  it('documents every exported function and class with JSDoc in its module', () => {
    const entry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
    const program = ts.createProgram([entry], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2023, noEmit: true });
    const checker = program.getTypeChecker();
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    const undocumented: string[] = [];
    let functions = 0;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class))) continue;
      functions += 1;
      const declarations = symbol.getDeclarations() ?? [];
      const hasDoc = declarations.some((declaration) => ts.getJSDocCommentsAndTags(declaration).length > 0);
      if (!hasDoc) undocumented.push(exported.getName());
    }
    expect(functions).toBeGreaterThanOrEqual(REQUIRED.length);
    expect(undocumented).toEqual([]);
  });
});
