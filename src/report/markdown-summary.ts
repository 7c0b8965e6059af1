/**
 * The Markdown summary of a `register` run (`--summary-file`, `$GITHUB_STEP_SUMMARY`): project,
 * ref and commit, one table row per flow, then what failed and why. Pure: the CLI decides where
 * it goes and redacts it. Every text that comes from users or servers (flow names, paths, error
 * messages) is escaped, so a `|` or `<class 'list'>` can neither break the table nor turn into HTML.
 */

/** An error as the summary shows it. */
export interface SummaryError {
  code: string;
  message: string;
  hint?: string | undefined;
}

/** After a run: what happened; in a dry run: what would happen. */
export type SummaryStatus = 'registered' | 'skipped' | 'failed' | 'would-register' | 'would-skip' | 'would-refuse';

/** One flow (one table row). */
export interface SummaryFlow {
  name: string;
  flowPath: string;
  status: SummaryStatus;
  /** After a run: the version registered or kept; in a dry run: the latest registered version. */
  version: number | null;
  /** The flow's page in the Prefect UI, when known. */
  url?: string | null | undefined;
  /** Dry run: why the plan says so. */
  reason?: string | undefined;
  error?: SummaryError | undefined;
}

/** A file or flow that could not be read (no row: it is listed under the failures). */
export interface SummaryLoadError extends SummaryError {
  file: string;
  line: number;
  column: number;
  flow?: string | undefined;
}

/** Everything {@link renderRegisterSummary} shows. */
export interface RegisterSummary {
  dryRun: boolean;
  /** Null when the run stopped before the project was known. */
  project: string | null;
  /** Null when the run stopped before the ref was resolved. */
  ref: { type: 'branch' | 'tag'; name: string; commit: string } | null;
  /** The project did not exist and was (or would be) created. */
  projectCreated?: boolean | undefined;
  flows: readonly SummaryFlow[];
  loadErrors: readonly SummaryLoadError[];
  /** `--changed-since`: the REF given and how many flows were left out as unchanged. */
  changedSince?: { since: string; leftOut: number } | undefined;
  /** The error that stopped the whole run, if one did. */
  fatal?: SummaryError | undefined;
}

const LABELS: Record<SummaryStatus, string> = {
  registered: '✅ registered',
  skipped: '➖ skipped (unchanged)',
  failed: '❌ failed',
  'would-register': '➕ would register',
  'would-skip': '➖ would skip (unchanged)',
  'would-refuse': '❌ would refuse',
};

/**
 * Text safe in Markdown, table cells included: one line, HTML-significant characters as
 * entities, Markdown punctuation backslash-escaped (CommonMark allows it before any punctuation).
 */
export function markdownText(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]~|#!]/g, (ch) => `\\${ch}`);
}

/**
 * An inline code span holding `text` exactly: the fence is longer than any run of backticks in
 * it. `inTable` escapes `|`, which GFM reads as a cell border even inside code spans.
 */
export function markdownCode(text: string, inTable = false): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  const span = `${fence}${pad}${flat}${pad}${fence}`;
  return inTable ? span.replace(/\|/g, '\\|') : span;
}

/** A link target, or null when it is not an http(s) URL; characters that would end it are encoded. */
function linkTarget(url: string | null | undefined): string | null {
  if (url === null || url === undefined || !/^https?:\/\//i.test(url)) return null;
  return url.replace(/[\s()<>|]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function headerLines(summary: RegisterSummary): string[] {
  const facts: string[] = [];
  if (summary.project !== null) facts.push(`project ${markdownCode(summary.project)}${summary.projectCreated ? (summary.dryRun ? ' (would be created)' : ' (created)') : ''}`);
  if (summary.ref !== null) facts.push(`${summary.ref.type} ${markdownCode(summary.ref.name)}`, `commit ${markdownCode(summary.ref.commit.slice(0, 12))}`);
  const title = `### prefect-git register${summary.dryRun ? ' (dry run: nothing sent)' : ''}`;
  return facts.length > 0 ? [title, '', facts.join(' · ')] : [title];
}

function countsLine(summary: RegisterSummary): string | undefined {
  if (summary.fatal !== undefined && summary.flows.length === 0) return undefined;
  const count = (...statuses: SummaryStatus[]): number => summary.flows.filter((flow) => statuses.includes(flow.status)).length;
  const parts = summary.dryRun
    ? [`${count('would-register')} would register`, `${count('would-skip')} would skip`, `${count('would-refuse')} refused`]
    : [`${count('registered')} registered`, `${count('skipped')} skipped`, `${count('failed')} failed`];
  if (summary.loadErrors.length > 0) parts.push(`${summary.loadErrors.length} not read`);
  const since = summary.changedSince;
  if (since !== undefined) parts.push(`${since.leftOut} left out (unchanged since ${markdownCode(since.since)})`);
  return parts.join(' · ');
}

function table(summary: RegisterSummary): string[] {
  if (summary.flows.length === 0) return summary.fatal === undefined ? ['_No flows to register._'] : [];
  const version = (flow: SummaryFlow): string => (flow.version === null ? '–' : `v${flow.version}`);
  if (summary.dryRun) {
    return [
      '| flow | plan | latest version | why |',
      '| --- | --- | --- | --- |',
      ...summary.flows.map((flow) => `| ${markdownCode(flow.name, true)} | ${LABELS[flow.status]} | ${version(flow)} | ${markdownText(flow.reason ?? flow.error?.message ?? '')} |`),
    ];
  }
  return [
    '| flow | status | version | link |',
    '| --- | --- | --- | --- |',
    ...summary.flows.map((flow) => {
      const target = linkTarget(flow.url);
      return `| ${markdownCode(flow.name, true)} | ${LABELS[flow.status]} | ${flow.status === 'failed' ? '–' : version(flow)} | ${target === null ? '' : `[open](${target})`} |`;
    }),
  ];
}

function errorItem(subject: string, error: SummaryError): string[] {
  const lines = [`- ${subject}**${markdownText(error.code)}** ${markdownText(error.message)}`];
  if (error.hint !== undefined && error.hint !== '') lines.push(`  - hint: ${markdownText(error.hint)}`);
  return lines;
}

function failures(summary: RegisterSummary): string[] {
  const items: string[] = [];
  if (summary.fatal !== undefined) items.push(...errorItem('', summary.fatal));
  for (const flow of summary.flows) {
    if (flow.error !== undefined) items.push(...errorItem(`${markdownCode(flow.name)} (${markdownCode(flow.flowPath)}): `, flow.error));
  }
  for (const error of summary.loadErrors) {
    const where = error.file === '' ? '' : `${error.file}${error.line > 0 ? `:${error.line}:${error.column}` : ''}`;
    const subject = [where === '' ? '' : markdownCode(where), error.flow === undefined ? '' : `flow ${markdownCode(error.flow)}`].filter((part) => part !== '').join(' ');
    items.push(...errorItem(subject === '' ? '' : `${subject}: `, error));
  }
  return items.length === 0 ? [] : ['', `#### ${summary.fatal !== undefined ? 'Error' : 'Failures'}`, '', ...items];
}

/**
 * The summary as Markdown, starting with a blank line and ending with a newline, so that
 * appending it to a file that already holds other summaries keeps both intact. Pure.
 */
export function renderRegisterSummary(summary: RegisterSummary): string {
  const counts = countsLine(summary);
  const body = table(summary);
  const lines = ['', ...headerLines(summary), ...(counts === undefined ? [] : ['', counts]), ...(body.length === 0 ? [] : ['', ...body]), ...failures(summary)];
  return `${lines.join('\n')}\n`;
}
