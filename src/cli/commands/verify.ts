import path from 'node:path';
import type { Command } from 'commander';
import type { Settings } from '../../config/schema.js';
import { loadSettings } from '../../config/load-settings.js';
import { ExitCode, PrefectGitError } from '../../errors.js';
import { resolveRef } from '../../git/ref.js';
import { openRepo } from '../../git/repo.js';
import { parseRemoteUrl } from '../../git/remote.js';
import { expandProjectName } from '../../register/project-name.js';
import { buildGitStorage } from '../../storage/git-storage.js';
import { registeredFlowFilter } from '../../verify/targets.js';
import { verifyFlows } from '../../verify/verify.js';
import type { ApiFlags } from '../connect.js';
import { addApiOptions, connectApi } from '../connect.js';
import { examples } from '../help.js';
import { collect } from '../options.js';
import type { CommandContext } from '../program.js';
import { renderVerify } from '../render-verify.js';

interface VerifyOptions extends ApiFlags {
  project?: string;
  name?: string[];
  remote?: string;
  repoHost?: string;
  repo?: string;
  branch?: string;
  tag?: string;
}

/** `prefect-git verify`: compare every registered flow with the code at its ref's remote head. */
export function addVerifyCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('verify')
    .description("Check that registered flows still match the code their runs clone (task slugs, parameters, storage)")
    .argument('[paths...]', 'only flows whose flow_path is one of these files or lies below these folders')
    .option('-p, --project <name>', 'Prefect project; placeholders {branch} {tag} {ref} {ref_slug}')
    .option('--name <flow>', 'only the flow with this name (repeatable)', collect)
    .option('--remote <name>', 'git remote flow runs clone from (default: origin)')
    .option('--repo-host <host>', 'Git storage repo_host of this repository (default: from the remote URL)')
    .option('--repo <owner/name>', 'Git storage repo of this repository (default: from the remote URL)')
    .option('--branch <branch>', 'the branch that fills placeholders in --project')
    .option('--tag <tag>', 'the tag that fills placeholders in --project');
  addApiOptions(command)
    .addHelpText(
      'after',
      examples([
        ['prefect-git verify --project data', 'every flow in project data against its branch or tag on origin'],
        ['prefect-git verify my_flows --project data --json', 'flows from my_flows only, as JSON'],
        ['prefect-git verify --project "data-{ref_slug}" --branch feature/x', 'the per-branch project of feature/x'],
      ]),
    )
    .action(async (paths: string[], options: VerifyOptions, cmd: Command) => {
      const { output, cwd } = ctx.begin(cmd);
      const repo = await openRepo(cwd);
      const repoRoot = repo.root();
      const flags: Settings = {
        ...(options.project !== undefined ? { project: options.project } : {}),
        ...(options.remote !== undefined ? { remote: options.remote } : {}),
        ...(options.repoHost !== undefined ? { repo_host: options.repoHost } : {}),
        ...(options.repo !== undefined ? { repo: options.repo } : {}),
        ...(options.api !== undefined ? { api: options.api } : {}),
        ...(options.backend !== undefined ? { backend: options.backend } : {}),
      };
      const values = (await loadSettings({ cwd, stopAt: repoRoot, env: ctx.io.env, flags })).values;
      if (values.project === undefined) {
        throw new PrefectGitError('E_USAGE', "missing required option '--project'", { hint: 'Pass --project NAME, set PREFECT_GIT_PROJECT, or `project` in [tool.prefect-git].' });
      }
      const remote = values.remote ?? 'origin';
      const template = values.project;
      const projectName = /\{[^{}]*\}/.test(template)
        ? expandProjectName(template, (await resolveRef({ repo, env: ctx.io.env, remote, tag: options.tag, branch: options.branch })).ref)
        : template;
      const repository = await repositoryOf(repo, remote, values);

      const { api } = await connectApi(ctx, output, { api: values.api, backend: values.backend, apiKeyFile: options.apiKeyFile, timeout: values.api_timeout, retries: values.api_retries });
      const { project } = await api.findProject(projectName);
      if (project === null) {
        throw new PrefectGitError('E_PROJECT_NOT_FOUND', `Project '${projectName}' does not exist`, { hint: 'Check the name (and its placeholders); nothing is registered there yet', details: { project: projectName } });
      }
      output.info(`verifying project ${output.colors.bold(projectName)} against ${remote} (${repository.repoHost}/${repository.repo})`);
      const prefixes = paths.map((p) => path.relative(repoRoot, path.resolve(cwd, p)).split(path.sep).join('/'));
      const report = await verifyFlows({ api, repo, projectId: project.id, remote, repository, select: registeredFlowFilter(prefixes, options.name ?? []) });
      renderVerify(output, { project: { name: project.name, id: project.id }, remote, report });
      ctx.state.exitCode =
        report.summary.drift > 0 ? ExitCode.Partial
        : report.flows.some((flow) => flow.loadError !== undefined) ? ExitCode.FlowLoad
        : ExitCode.Ok;
    });
}

/** `repo_host`/`repo` as registration computes them (settings, else the remote URL), via the same builder. */
async function repositoryOf(repo: Awaited<ReturnType<typeof openRepo>>, remote: string, values: Settings): Promise<{ repoHost: string; repo: string }> {
  const url = values.repo_host === undefined || values.repo === undefined ? await repo.remoteUrl(remote) : undefined;
  const storage = buildGitStorage({
    ...(url !== undefined ? { remote: parseRemoteUrl(url) } : {}),
    ...(values.repo_host !== undefined ? { repoHost: values.repo_host } : {}),
    ...(values.repo !== undefined ? { repo: values.repo } : {}),
    ref: { type: 'branch', name: 'main' },
    flowPath: 'flow.py',
    flowName: 'flow',
    useSsh: values.use_ssh ?? false,
  });
  // buildGitStorage throws E_CONFIG without a remote or --repo, so `repo` is set here.
  return { repoHost: storage.repo_host, repo: storage.repo ?? '' };
}
