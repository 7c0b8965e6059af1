import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { PrefectGitError } from '../../errors.js';
import { assertPreflight, runPreflight } from '../../git/preflight.js';
import type { RegisterSummary } from '../../report/markdown-summary.js';
import { addApiOptions } from '../connect.js';
import type { CommandContext } from '../program.js';
import { examples } from '../help.js';
import { addStorageOptions } from '../options.js';
import type { Output } from '../output.js';
import { describeChangedSince } from '../changed-since.js';
import type { RegisterFlags } from '../register-run.js';
import { connectRegister, openRegisterWorkspace, registerLoaded } from '../register-run.js';
import { appendSummary, failedSummary, summaryTarget } from '../summary-file.js';
import { watchAndRegister } from '../watch.js';
import type { Workspace } from '../workspace.js';
import { loadWorkspaceFlows } from '../load.js';

const SCHEDULE_STATES = ['on', 'off', 'keep'];

/**
 * `--schedule [state]`. Its value is optional, so commander takes whatever follows as the value:
 * `--schedule my_flows/` would read the path as a state. The error says how to write it instead.
 */
function scheduleOption(): Option {
  return new Option('--schedule [state]', 'schedules on (default for tags and the default branch), off, or keep the current state')
    .choices(SCHEDULE_STATES)
    .argParser((value: string) => {
      if (SCHEDULE_STATES.includes(value)) return value;
      throw new InvalidArgumentError(
        `Allowed choices are ${SCHEDULE_STATES.join(', ')}. A path right after --schedule is read as its value: write --schedule=on, or put the paths first.`,
      );
    });
}

/** `prefect-git register`: plan against the server, then create the new and changed flows. */
export function addRegisterCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('register')
    .description('Register the flows with Prefect Server or Cloud; unchanged flows are skipped')
    .argument('[paths...]', 'files or folders with flows (default: config `paths`, else .)');
  addStorageOptions(command)
    .option('-p, --project <name>', 'Prefect project; placeholders {branch} {tag} {ref} {ref_slug}')
    .option('--create-project', 'create the project if it does not exist')
    .option('-f, --force', 'register a new version even when nothing changed (no idempotency key)')
    .addOption(scheduleOption())
    .option('--no-schedule', 'register with schedules turned off (default for other branches)')
    .option('--allow-ref-change', 'register a branch over a flow whose latest version another branch or a tag registered')
    .option('--dry-run', 'print the plan (would-register / would-skip) and send no mutation')
    .option('--concurrency <n>', 'registrations in flight at once (default: 4)')
    .option('--summary-file <file>', 'append a Markdown summary of the run to FILE (default: $GITHUB_STEP_SUMMARY when set)')
    .addOption(
      new Option('--watch', 'local development: register from the working tree, then again whenever a flow file or a module it imports changes (Ctrl-C stops)')
        .conflicts(['dryRun', 'changedSince', 'fromJson', 'summaryFile']),
    );
  addApiOptions(command)
    .option('--allow-unpushed', 'register although the remote branch head is not HEAD')
    .option('--allow-annotated-tag', 'register an annotated tag (Prefect 1.4.1 cannot check those out)')
    .option('--allow-dirty', 'with --worktree: register although flow files differ from the commit')
    .option('--allow-tag-not-at-head', 'register a tag that does not point at HEAD')
    .addHelpText(
      'after',
      examples([
        ['prefect-git register --project data --dry-run', 'show what would be registered'],
        ['prefect-git register my_flows --project data --label k8s', 'register every flow under my_flows'],
        ['BUILD_TAG=v1.4.0 prefect-git register --project data', 'CI on tag push: runs clone exactly v1.4.0'],
        ['prefect-git register --project "analytics-{ref_slug}" --create-project', 'one project per branch (schedules off unless --schedule)'],
        ['prefect-git register --project analytics --schedule keep', 'keep each flow\'s schedule as it is in the UI'],
        ['prefect-git register --project data --changed-since origin/main', 'only the flows this branch changed'],
        ['prefect-git register --project dev --create-project --watch', 'local Server: register again on every save'],
      ]),
    )
    .action(async (paths: string[], options: RegisterFlags, cmd: Command) => {
      const { output, cwd } = ctx.begin(cmd);
      if (options.watch) {
        if (output.json) throw new PrefectGitError('E_USAGE', '--watch prints one block per change, not one JSON document', { hint: 'Drop --json, or register once without --watch.' });
        output.progress('resolving the ref');
        const opened = await openRegisterWorkspace(ctx, cwd, paths, { ...options, worktree: true });
        const session = await connectRegister(ctx, output, opened, { ...options, worktree: true });
        ctx.state.exitCode = await watchAndRegister(ctx, output, session, ctx.io.watch);
        return;
      }
      // The summary is written whatever happens, so a failed CI step still says why on its page.
      const target = summaryTarget(options.summaryFile, ctx.io.env, cwd);
      const known: Partial<Pick<RegisterSummary, 'project' | 'ref' | 'dryRun'>> = { dryRun: options.dryRun === true };
      try {
        const summary = await registerOnce(ctx, output, cwd, paths, options, known);
        if (target !== undefined) await appendSummary(output, target, summary);
      } catch (error) {
        if (target !== undefined) await appendSummary(output, target, failedSummary(error, known));
        throw error;
      }
    });
}

/** One registration: load, pre-flight, connect, plan, apply (or print the plan), report. */
async function registerOnce(
  ctx: CommandContext,
  output: Output,
  cwd: string,
  paths: string[],
  options: RegisterFlags,
  known: Partial<Pick<RegisterSummary, 'project' | 'ref' | 'dryRun'>>,
): Promise<RegisterSummary> {
  output.progress('resolving the ref');
  const opened = await openRegisterWorkspace(ctx, cwd, paths, options);
  const { workspace } = opened;
  known.project = opened.projectName;
  known.ref = workspace.resolution.ref;
  const loaded = await loadWorkspaceFlows(workspace, options, { env: ctx.io.env, output, debug: output.options.debug });
  if (loaded.changed !== undefined) output.info(describeChangedSince(loaded.changed));
  await preflight(output, workspace, options, [...new Set(loaded.flows.map((flow) => flow.flowPath))]);
  const session = await connectRegister(ctx, output, opened, options);
  const outcome = await registerLoaded(session, output, loaded, { dryRun: options.dryRun === true, provenance: true });
  ctx.state.exitCode = outcome.exitCode;
  return outcome.summary;
}

async function preflight(output: Output, workspace: Workspace, options: RegisterFlags, flowPaths: string[]): Promise<void> {
  output.progress('checking that the ref is pushed');
  const report = await runPreflight({
    repo: workspace.repo,
    ref: workspace.resolution.ref,
    remote: workspace.settings.values.remote ?? 'origin',
    // Flow files are read at the ref's commit unless --worktree: uncommitted edits are then
    // not registered (warnUncommitted names them), so only --worktree needs them clean.
    flowPaths: options.worktree ? flowPaths : [],
    overrides: {
      allowUnpushed: options.allowUnpushed,
      allowAnnotatedTag: options.allowAnnotatedTag,
      allowDirty: options.allowDirty,
      allowTagNotAtHead: options.allowTagNotAtHead,
    },
  });
  for (const check of report.checks) if (!check.ok && check.overriddenBy) output.warn(`${check.message} (allowed by ${check.overriddenBy})`);
  assertPreflight(report);
}
