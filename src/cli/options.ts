import { Option } from 'commander';
import type { Command } from 'commander';

/** Commander accumulator for repeatable options (`--label a --label b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The options that pick the ref and describe Git storage, shared by every flow command. */
export function addStorageOptions(command: Command): Command {
  return command
    .option('--tag <tag>', 'register for this tag (flow runs clone the tag)')
    .option('--branch <branch>', 'register for this branch (flow runs clone the branch head)')
    .option('--remote <name>', 'git remote flow runs clone from (default: origin)')
    .option('--repo-host <host>', 'Git storage repo_host (default: from the remote URL)')
    .option('--repo <owner/name>', 'Git storage repo (default: from the remote URL)')
    .option('--token-secret <name>', 'name of the Prefect Secret holding the git token')
    .option('--token-username <user>', 'git_token_username (default: owner on GitHub, oauth2 on GitLab, x-token-auth on Bitbucket)')
    .option('--use-ssh', 'flow runs clone over ssh')
    .option('--label <label>', 'add a label to every run config (repeatable)', collect)
    .option('--name <flow>', 'only the flow with this name (repeatable)', collect)
    .option('--image <image>', 'image for run configs that take one; placeholders {ref} {ref_slug} {tag} {branch} {sha}')
    .option('--worktree', 'read flow files from the working tree instead of the ref\'s commit')
    .option('--changed-since <ref>', 'only flows whose file, or a repository module it imports, changed since REF (a branch, tag or sha)')
    .option('--prefect-version <version>', 'the __version__ written into serialized flows (default: 1.4.1)')
    .addOption(new Option('--loader <loader>', 'how flows are read: static, python (your Prefect 1.x), auto (static, python for what static refuses), both (compare)').choices(['auto', 'static', 'python', 'both']))
    .option('--python <path>', 'Python interpreter with Prefect 1.x for the python loader')
    .option('--python-timeout <seconds>', 'seconds the python loader may take (default: 120)')
    .option('--from-json <file>', 'read flows from a `prefect build` flows.json instead of Python files (repeatable)', collect);
}
