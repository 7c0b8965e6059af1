/**
 * The python loader: runs the user's own Prefect 1.x interpreter on flow files (as
 * `prefect register --path` does) through `python/prefect_git_loader.py`, reads `prefect build`'s
 * flows.json, and compares its results with the static loader's.
 */
export { compareLoaders, firstDifference, type LoaderDifference } from './compare.js';
export { flowPathOf, loadFlowsFromJson, type JsonLoadedFlow, type JsonLoadResult, type LoadFlowsFromJsonOptions } from './from-json.js';
export {
  findPythonInterpreter,
  resolvePythonInterpreter,
  type FindPythonOptions,
  type ProbedPython,
  type PythonInterpreter,
  type PythonSource,
} from './interpreter.js';
export {
  loadFlowsPython,
  type GitStorageArgs,
  type LoadFlowsPythonOptions,
  type PythonFlowLoadError,
  type PythonLoadedFlow,
  type PythonLoadResult,
} from './load.js';
export { helperScriptPath, type Env } from './run-helper.js';
