/**
 * `prefect-git doctor`'s checks, in the order of the data path: repository, settings, remote,
 * ref, pre-flight, loaders, then the Prefect API. A failed step does not stop the report: the
 * checks that need its result are skipped and say why, the others still run, so one run shows
 * everything that is wrong.
 */
import type { LoadedSettings } from '../config/load-settings.js';
import type { Settings } from '../config/schema.js';
import type { GitRepo } from '../git/repo.js';
import { parseRemoteUrl } from '../git/remote.js';
import type { ResolvedRef } from '../git/types.js';
import { runApiChecks } from './api-checks.js';
import { CheckList } from './check-list.js';
import type { DoctorDeps, DoctorFlags, DoctorReport } from './types.js';
import { doctorExitCode } from './types.js';

/** Runs every check and returns the report; it throws only on bugs. */
export async function runDoctor(deps: DoctorDeps, flags: DoctorFlags = {}): Promise<DoctorReport> {
  const list = new CheckList();
  const repo = await checkRepo(list, deps);
  const settings = await checkSettings(list, deps, repo);
  const values = settings?.values ?? {};
  const remote = values.remote ?? 'origin';
  if (repo !== undefined) await checkRemote(list, repo, values, remote);
  else list.skip('remote', 'remote', 'git', 'skipped: no git repository');
  const ref = repo === undefined ? undefined : await checkRef(list, deps, repo, remote, flags);
  if (repo === undefined || ref === undefined) {
    list.skip('preflight', 'pre-flight', 'git', `skipped: no ${repo === undefined ? 'git repository' : 'ref'}`);
  } else {
    await checkPreflight(list, deps, repo, ref, remote, values);
  }
  await checkLoaders(list, deps, repo, values);
  await runApiChecks(list, deps, { values, ref, apiKeyFile: flags.apiKeyFile });
  return { ok: list.checks.every((check) => check.status !== 'fail'), exitCode: doctorExitCode(list.checks), checks: list.checks };
}

async function checkRepo(list: CheckList, deps: DoctorDeps): Promise<GitRepo | undefined> {
  try {
    const repo = await deps.openRepo();
    list.pass('git-repo', 'git repository', 'git', `work tree at ${repo.root()}`);
    return repo;
  } catch (error) {
    list.fromError('git-repo', 'git repository', 'git', error);
    return undefined;
  }
}

async function checkSettings(list: CheckList, deps: DoctorDeps, repo: GitRepo | undefined): Promise<LoadedSettings | undefined> {
  try {
    const settings = await deps.loadSettings(repo?.root());
    const count = Object.keys(settings.values).length;
    list.pass('settings', 'settings', 'config', `${count} setting(s) set; ${settings.file === undefined ? 'no config file' : `config file ${settings.file}`}`);
    return settings;
  } catch (error) {
    list.fromError('settings', 'settings', 'config', error);
    return undefined;
  }
}

async function checkRemote(list: CheckList, repo: GitRepo, values: Settings, remote: string): Promise<void> {
  if (values.repo_host !== undefined && values.repo !== undefined) {
    list.pass('remote', 'remote', 'git', `repo_host ${values.repo_host} and repo ${values.repo} are set, the remote URL is not needed`);
    return;
  }
  try {
    const url = await repo.remoteUrl(remote);
    if (url === undefined) {
      list.add({
        id: 'remote',
        title: 'remote',
        status: 'fail',
        message: `no remote '${remote}' to take the repository address from`,
        hint: 'Add the remote flow runs clone from (git remote add origin URL), or set repo_host and repo.',
        code: 'E_NO_REMOTE',
        category: 'git',
      });
      return;
    }
    const info = parseRemoteUrl(url);
    list.pass('remote', 'remote', 'git', `${remote} is ${info.safeUrl} (host ${info.host}, repo ${info.path})`);
  } catch (error) {
    list.fromError('remote', 'remote', 'git', error);
  }
}

async function checkRef(list: CheckList, deps: DoctorDeps, repo: GitRepo, remote: string, flags: DoctorFlags): Promise<ResolvedRef | undefined> {
  try {
    const resolution = await deps.resolveRef(repo, { remote, tag: flags.tag, branch: flags.branch });
    const { ref, trail } = resolution;
    // The rules that were looked at but did not apply, so a surprising choice explains itself.
    const passed = trail.slice(0, -1).filter((step) => !/^skipped: (not set|no --tag or --branch)$/.test(step.outcome));
    const why = passed.map((step) => `${step.rule} ${step.outcome}`).join('; ');
    list.pass('ref', 'ref', 'git', `${ref.type} ${ref.name} at ${ref.commit.slice(0, 7)}, chosen by rule ${ref.source}${why ? ` (${why})` : ''}`);
    return ref;
  } catch (error) {
    list.fromError('ref', 'ref', 'git', error);
    return undefined;
  }
}

async function checkPreflight(list: CheckList, deps: DoctorDeps, repo: GitRepo, ref: ResolvedRef, remote: string, values: Settings): Promise<void> {
  let flowPaths: string[] = [];
  try {
    flowPaths = await deps.flowFiles(repo.root(), values.paths);
  } catch (error) {
    list.fromError('paths', 'flow paths', 'config', error);
  }
  const report = await deps.runPreflight({ repo, ref, remote, flowPaths });
  for (const check of report.checks) {
    const id = `preflight:${check.id}`;
    if (check.ok) list.pass(id, `pre-flight ${check.id}`, 'git', check.message);
    else list.add({ id, title: `pre-flight ${check.id}`, status: 'fail', message: check.message, hint: check.hint, code: check.code, category: 'git' });
  }
}

async function checkLoaders(list: CheckList, deps: DoctorDeps, repo: GitRepo | undefined, values: Settings): Promise<void> {
  try {
    list.pass('parser', 'static loader', 'loader', await deps.parserReady());
  } catch (error) {
    list.add({
      id: 'parser',
      title: 'static loader',
      status: 'fail',
      message: `the Python grammar did not load: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'Reinstall prefect-git (the package ships grammars/tree-sitter-python.wasm); meanwhile --loader python works.',
      code: 'E_FLOW_LOAD',
      category: 'loader',
    });
  }
  // The static loader needs no Python, so a missing interpreter only matters when the python
  // loader was asked for.
  const needed = values.loader === 'python' || values.loader === 'both';
  const title = 'python loader';
  if (repo === undefined) {
    list.skip('python', title, 'loader', 'skipped: no git repository to look for .venv in');
    return;
  }
  try {
    const python = await deps.findPython({ repoRoot: repo.root(), python: values.python });
    list.pass('python', title, 'loader', `${python.executable} (${python.origin}): Python ${python.pythonVersion}, Prefect ${python.prefectVersion}`);
  } catch (error) {
    list.fromError('python', title, 'loader', error, needed ? 'fail' : 'warn');
    const last = list.checks[list.checks.length - 1];
    if (last && !needed) last.message += ' (only the python loader needs it; the static loader runs without Python)';
  }
}
