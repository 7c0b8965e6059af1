import { homedir } from 'node:os';
import type { Command } from 'commander';
import { Option } from 'commander';
import { createPrefectApi } from '../../api/client.js';
import { loadSettings } from '../../config/load-settings.js';
import { readPrefectConnection } from '../../config/prefect-config.js';
import type { Settings } from '../../config/schema.js';
import { runDoctor } from '../../doctor/run-doctor.js';
import type { DoctorCheck, DoctorDeps } from '../../doctor/types.js';
import { discoverFlowFiles } from '../../flows/discover.js';
import { findPythonInterpreter } from '../../flows/python/interpreter.js';
import { parsePython } from '../../flows/static/parser.js';
import { runPreflight } from '../../git/preflight.js';
import { resolveRef } from '../../git/ref.js';
import { openRepo } from '../../git/repo.js';
import { examples } from '../help.js';
import type { Output } from '../output.js';
import type { CommandContext } from '../program.js';

interface DoctorOptions {
  project?: string;
  createProject?: boolean;
  remote?: string;
  tag?: string;
  branch?: string;
  tokenSecret?: string;
  loader?: 'auto' | 'static' | 'python' | 'both';
  python?: string;
  backend?: 'server' | 'cloud';
  api?: string;
  apiKeyFile?: string;
}

/** One request, a short timeout and no retries: a diagnosis should answer in seconds. */
const API_TIMEOUT_MS = 5_000;
const PYTHON_TIMEOUT_MS = 30_000;

/** `prefect-git doctor`: is everything in place to register from here? */
export function addDoctorCommand(program: Command, ctx: CommandContext): void {
  program
    .command('doctor')
    .description('Check everything registering needs (git, ref, pre-flight, loaders, Prefect API, project, token secret), one line each')
    .option('-p, --project <name>', 'also check that this Prefect project exists')
    .option('--create-project', 'a missing project is only a warning (register will create it)')
    .option('--remote <name>', 'git remote flow runs clone from (default: origin)')
    .option('--tag <tag>', 'check this tag as the ref')
    .option('--branch <branch>', 'check this branch as the ref')
    .option('--token-secret <name>', 'check that this Prefect Secret exists (Cloud)')
    .addOption(new Option('--loader <loader>', 'the loader register will use (python or both: a missing Python fails)').choices(['auto', 'static', 'python', 'both']))
    .option('--python <path>', 'Python interpreter for the python loader')
    .addOption(new Option('--backend <backend>', 'Prefect backend (default: from Prefect config)').choices(['server', 'cloud']))
    .option('--api <url>', 'Prefect API URL (default: from Prefect config)')
    .option('--api-key-file <file>', 'read the API key from this file')
    .addHelpText(
      'after',
      examples([
        ['prefect-git doctor', 'every check, one line each; exit code 0 when none failed'],
        ['prefect-git doctor --project data-flows --json', 'also check the project; the report as JSON'],
        ['BUILD_TAG=v1.2.0 prefect-git doctor --backend cloud', 'what a tag build in CI would find, on Prefect Cloud'],
      ]) + '\nExit code: 0 when no check failed, else the lowest failing category (2 config, 3 git, 4 Prefect API, 6 loader).\n',
    )
    .action(async (options: DoctorOptions, cmd: Command) => {
      const { output, cwd } = ctx.begin(cmd);
      const env = ctx.io.env;
      const flags: Settings = {
        ...(options.project !== undefined ? { project: options.project } : {}),
        ...(options.createProject ? { create_project: true } : {}),
        ...(options.remote !== undefined ? { remote: options.remote } : {}),
        ...(options.tokenSecret !== undefined ? { token_secret: options.tokenSecret } : {}),
        ...(options.loader !== undefined ? { loader: options.loader } : {}),
        ...(options.python !== undefined ? { python: options.python } : {}),
        ...(options.backend !== undefined ? { backend: options.backend } : {}),
        ...(options.api !== undefined ? { api: options.api } : {}),
      };
      const deps: DoctorDeps = {
        openRepo: () => openRepo(cwd),
        loadSettings: (stopAt) => loadSettings({ cwd, stopAt, env, flags }),
        resolveRef: (repo, refOptions) => resolveRef({ repo, env, ...refOptions }),
        flowFiles: (repoRoot, paths) => discoverFlowFiles({ repoRoot, cwd, paths }),
        runPreflight,
        parserReady: async () => {
          const parsed = await parsePython('<doctor>.py', 'from prefect import Flow\n');
          if (!parsed.ok) throw new Error(parsed.error.message);
          return 'tree-sitter-python grammar loaded and parsed a test line';
        },
        findPython: ({ repoRoot, python }) => findPythonInterpreter({ python, env, repoRoot, cwd, timeoutMs: PYTHON_TIMEOUT_MS }),
        readConnection: async (connectionFlags) => {
          const connection = await readPrefectConnection({ env, home: ctx.io.home ?? env.HOME ?? homedir(), flags: connectionFlags });
          output.addSecrets([connection.apiKey]);
          return connection;
        },
        createApi: (connection) =>
          createPrefectApi({
            url: connection.apiUrl,
            backend: connection.backend,
            apiKey: connection.apiKey,
            tenantId: connection.tenantId,
            timeoutMs: API_TIMEOUT_MS,
            retries: 0,
            onRequest: (info) => output.debug(`${info.operation} attempt ${info.attempt}: ${info.status ?? info.failure ?? '?'} in ${info.ms} ms`),
          }),
      };
      const report = await runDoctor(deps, { tag: options.tag, branch: options.branch, apiKeyFile: options.apiKeyFile });
      ctx.state.exitCode = report.exitCode;
      if (output.json) output.writeJson({ ok: report.ok, exit_code: report.exitCode, checks: report.checks.map(checkJson) });
      for (const check of report.checks) renderCheck(output, check);
      const failed = report.checks.filter((check) => check.status === 'fail').length;
      const warned = report.checks.filter((check) => check.status === 'warn').length;
      const summary = `${failed} failed, ${warned} warning${warned === 1 ? '' : 's'}, ${report.checks.length} checks`;
      if (failed > 0) output.error(`${output.colors.red('✗')} ${summary} (exit ${report.exitCode})`);
      else output.info(`${output.colors.green('✓')} ${summary}`);
    });
}

function checkJson(check: DoctorCheck): Record<string, unknown> {
  return {
    id: check.id,
    title: check.title,
    status: check.status,
    message: check.message,
    hint: check.hint ?? null,
    code: check.code ?? null,
  };
}

/** One line per check; failures go through `error` so --quiet still shows them. */
function renderCheck(output: Output, check: DoctorCheck): void {
  const { green, red, yellow, dim } = output.colors;
  const marks = { pass: green('pass'), fail: red('FAIL'), warn: yellow('warn'), skip: dim('skip') };
  const line = `${marks[check.status]}  ${check.title.padEnd(28)} ${check.message}${check.code ? dim(` (${check.code})`) : ''}`;
  const hint = check.hint && check.status !== 'pass' ? `      ${dim('hint')} ${check.hint}` : undefined;
  if (check.status === 'fail') {
    output.error(line);
    if (hint) output.error(hint);
    return;
  }
  output.info(line);
  if (hint) output.info(hint);
}
