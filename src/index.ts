/**
 * prefect-git's library API: every step of the data path as a function of its inputs.
 * Re-exports only; each module documents its own functions.
 */
export { ExitCode, ErrorCodes, PrefectGitError, isPrefectGitError } from './errors.js';
export type { ErrorCode } from './errors.js';
export { PyFloat, pyFloat } from './prefect/py-value.js';
export type { PyValue, PyObject } from './prefect/py-value.js';
export type { FlowFile, LoadedFlow, FlowLoadError, LoadResult } from './flows/types.js';
export type { GitStorage } from './storage/types.js';
export type { ResolvedRef, RefResolution, TrailEntry, RemoteInfo } from './git/types.js';
