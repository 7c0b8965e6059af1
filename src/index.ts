/**
 * prefect-git's library API: every step of the data path as a function of its inputs.
 * Re-exports only; each module documents its own functions (JSDoc on every export, checked by
 * test/unit/library-api.test.ts, which also pins the signatures).
 *
 * ```ts
 * // plus readFile from 'node:fs/promises' and join from 'node:path'
 * import { buildGitStorage, createPrefectApi, discoverFlowFiles, loadFlows, openRepo, parseRemoteUrl, register, resolveRef } from 'prefect-git';
 *
 * const repo = await openRepo(process.cwd());
 * const { ref } = await resolveRef({ repo, env: process.env });
 * const remote = parseRemoteUrl((await repo.remoteUrl('origin')) ?? '');
 * const paths = await discoverFlowFiles({ repoRoot: repo.root(), cwd: process.cwd(), paths: ['flows'] });
 * const files = await Promise.all(paths.map(async (path) => ({ path, content: await readFile(join(repo.root(), path)) })));
 * const { flows, errors } = await loadFlows({ files, storageFor: (f) => buildGitStorage({ remote, ref, flowPath: f.flowPath, flowName: f.name }) });
 * const api = createPrefectApi({ url: 'http://localhost:4200', backend: 'server' });
 * const { result } = await register({ api, projectName: 'data', flows, createProject: true });
 * ```
 */
export { ExitCode, ErrorCodes, PrefectGitError, isPrefectGitError } from './errors.js';
export type { ErrorCode, PrefectGitErrorOptions } from './errors.js';

// Settings and Prefect's own connection settings.
export { loadSettings } from './config/load-settings.js';
export type { LoadedSettings, LoadSettingsOptions } from './config/load-settings.js';
export { readPrefectConnection } from './config/prefect-config.js';
export type { PrefectConnection, PrefectConfigOptions } from './config/prefect-config.js';
export type { Settings, SettingKey } from './config/schema.js';

// Git: the repository, the ref flow runs clone, the remote, pre-flight checks.
export { openRepo } from './git/repo.js';
export type { GitRepo, OpenRepoOptions } from './git/repo.js';
export { resolveRef } from './git/ref.js';
export type { ResolveRefOptions } from './git/ref.js';
export { parseRemoteUrl } from './git/remote.js';
export { runPreflight, assertPreflight } from './git/preflight.js';
export type { PreflightCheck, PreflightOptions, PreflightReport } from './git/preflight.js';
export type { ResolvedRef, RefResolution, TrailEntry, RemoteInfo } from './git/types.js';

// Git storage.
export { buildGitStorage } from './storage/git-storage.js';
export type { BuildGitStorageOptions } from './storage/git-storage.js';
export type { GitStorage } from './storage/types.js';

// Flows: finding files, the static and python loaders.
export { discoverFlowFiles } from './flows/discover.js';
export { loadFlows } from './flows/load-flows.js';
export type { FlowsLoaded, LoadFlowsOptions, LoaderMode } from './flows/load-flows.js';
export { loadFlowsStatic } from './flows/static/index.js';
export type { StaticLoadOptions } from './flows/static/index.js';
export { loadFlowsPython, findPythonInterpreter } from './flows/python/index.js';
export type { LoadFlowsPythonOptions, PythonLoadResult, ProbedPython } from './flows/python/index.js';
export type { FlowFile, LoadedFlow, FlowLoadError, LoadResult } from './flows/types.js';

// Python-exact JSON, the idempotency key and the payload encoding.
export { PyFloat, pyFloat } from './prefect/py-value.js';
export type { PyValue, PyObject, PyJsonValue } from './prefect/py-value.js';
export { pyjsonDumps, parsePyJson } from './prefect/pyjson.js';
export type { PyJsonDumpsOptions, ParsePyJsonOptions } from './prefect/pyjson.js';
export { idempotencyKey, compressFlow, decompressFlow } from './prefect/payload.js';

// The Prefect API and registration.
export { createPrefectApi } from './api/client.js';
export type { Backend, PrefectApi, PrefectApiOptions, Project, Tenant, RequestInfo } from './api/types.js';
export { planRegistration } from './register/plan.js';
export type { PlanOptions } from './register/plan.js';
export { applyPlan } from './register/apply.js';
export type { ApplyOptions } from './register/apply.js';
export type { ApplyResult, FlowResult, FlowToRegister, PlanItem, RegisterEvent, RegistrationPlan } from './register/types.js';
export { register } from './library/register.js';
export type { RegisterFlowInput, RegisterOptions, RegisterResult } from './library/register.js';

// Branch workflows: the branch guard, schedule defaults, provenance, verify and prune (docs/ci.md).
export { checkRefChange, registeredRefOf } from './register/ref-guard.js';
export type { RefChange, RefChangeInput, RegisteredRef } from './register/ref-guard.js';
export { decideSchedule, scheduleActiveFor } from './register/schedule-mode.js';
export type { ScheduleDecision, ScheduleInput, ScheduleMode } from './register/schedule-mode.js';
export { codeUrl, recordProvenance } from './register/provenance.js';
export type { CodeLocation, ProvenanceRecord, RecordProvenanceOptions } from './register/provenance.js';
export { verifyFlows } from './verify/verify.js';
export type { FlowVerification, VerifyOptions, VerifyReport } from './verify/verify.js';
export type { Finding, FindingKind } from './verify/compare.js';
export { planPrune } from './prune/plan.js';
export type { PruneItem, PrunePlan } from './prune/plan.js';
export { applyPrune } from './prune/apply.js';
export type { PruneResult } from './prune/apply.js';
export type { ProjectWithFlows, RegisteredFlow, StorageRef } from './api/types.js';
