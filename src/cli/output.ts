import pc from 'picocolors';
import type { Redactor } from '../report/redact.js';
import { createRedactor } from '../report/redact.js';
import { formatJson } from '../report/json.js';
import type { CliIO } from './io.js';

export interface GlobalOptions {
  cwd?: string;
  json?: boolean;
  quiet?: boolean;
  debug?: boolean;
  color?: boolean;
}

type Paint = (text: string) => string;
const plain: Paint = (text) => text;


/** Set and not empty, as https://no-color.org asks (`NO_COLOR=` alone does not count). */
const isSet = (value: string | undefined): boolean => value !== undefined && value !== '';

/** CI systems set `CI` (GitHub, GitLab, CircleCI, Travis, Buildkite...); Jenkins sets `JENKINS_URL`. */
export function isCi(env: Record<string, string | undefined>): boolean {
  return (isSet(env.CI) && env.CI !== 'false' && env.CI !== '0') || isSet(env.JENKINS_URL);
}

/** Colours only on a terminal, and never with --no-color, NO_COLOR or TERM=dumb. */
export function useColor(io: Pick<CliIO, 'stderrIsTTY' | 'env'>, options: Pick<GlobalOptions, 'color'>): boolean {
  return options.color !== false && io.stderrIsTTY && !isSet(io.env.NO_COLOR) && io.env.TERM !== 'dumb';
}

/**
 * Where the CLI writes. Human output goes to stderr so that `--json` leaves exactly one JSON
 * document on stdout; everything passes through the redactor first.
 */
export class Output {
  private redact: Redactor;
  private jsonWritten = false;
  readonly colors: { green: Paint; red: Paint; yellow: Paint; dim: Paint; bold: Paint };

  constructor(
    private readonly io: CliIO,
    readonly options: GlobalOptions,
  ) {
    this.redact = createRedactor([]);
    if (useColor(io, options)) {
      // createColors(true), not picocolors' default export: that one decided at import time from
      // the real process (a test's or a pipe's), whereas the decision here is the CliIO's.
      const pcs = pc.createColors(true);
      this.colors = { green: pcs.green, red: pcs.red, yellow: pcs.yellow, dim: pcs.dim, bold: pcs.bold };
    } else {
      this.colors = { green: plain, red: plain, yellow: plain, dim: plain, bold: plain };
    }
    // TERM=dumb (Emacs shells, some IDE consoles) may print `\r` instead of obeying it.
    this.interactive = io.stderrIsTTY && !isCi(io.env) && io.env.TERM !== 'dumb' && options.quiet !== true && options.json !== true;
  }

  /**
   * True when stderr is a terminal (not TERM=dumb) outside CI and neither --quiet nor --json is given: only then
   * may a command redraw lines (spinners, counters). Otherwise every event is one plain line, so
   * CI logs and pipes read top to bottom.
   */
  readonly interactive: boolean;

  /** Width of the progress line on screen, 0 when none (it is cleared before anything else is written). */
  private live = 0;

  /**
   * Shows `line` as the live progress line (stderr, rewritten in place with `\r`), only when
   * {@link interactive}: piped, CI, --quiet and --json runs get nothing of it. Every other write
   * clears it first, so warnings and results never share a line with it.
   */
  progress(line: string): void {
    if (!this.interactive) return;
    // One screen line at most: `\r` + erase-line cannot clear a line that wrapped.
    const width = Math.max(20, (this.io.stderrColumns ?? 80) - 1);
    const redacted = this.redact(line);
    const text = redacted.length > width ? `${redacted.slice(0, width - 1)}…` : redacted;
    // Spaces, not an ANSI erase: NO_COLOR and --no-color users get no escape codes at all.
    this.io.stderr(`\r${text}${' '.repeat(Math.max(0, this.live - text.length))}`);
    this.live = text.length;
  }

  /** Removes the progress line, if one is shown (before a final summary, and at exit). */
  endProgress(): void {
    if (this.live === 0) return;
    this.io.stderr(`\r${' '.repeat(this.live)}\r`);
    this.live = 0;
  }

  /** `text` as it would be printed: known secrets masked, URL credentials removed (for files we write). */
  redacted(text: string): string {
    return this.redact(text);
  }

  /** Adds values (API keys, tokens) that must never be printed. */
  addSecrets(secrets: ReadonlyArray<string | undefined | null>): void {
    this.redact = createRedactor([...this.secretList, ...secrets]);
    this.secretList.push(...secrets);
  }
  private secretList: Array<string | undefined | null> = [];

  get json(): boolean {
    return this.options.json === true;
  }

  /** A line of human output (stderr); silent with --quiet. */
  info(line: string): void {
    if (this.options.quiet) return;
    this.endProgress();
    this.io.stderr(this.redact(line) + '\n');
  }

  /** A warning (stderr); silent with --quiet, which keeps only errors. */
  warn(line: string): void {
    if (this.options.quiet) return;
    this.endProgress();
    this.io.stderr(this.redact(`${this.colors.yellow('warning')} ${line}`) + '\n');
  }

  /** An error line (stderr); always shown. */
  error(line: string): void {
    this.endProgress();
    this.io.stderr(this.redact(line) + '\n');
  }

  /** Debug detail (stderr), only with --debug. */
  debug(line: string): void {
    if (!this.options.debug) return;
    this.endProgress();
    this.io.stderr(this.redact(`${this.colors.dim('debug')} ${line}`) + '\n');
  }

  /** Human result text on stdout (used when not in --json mode, e.g. `ref` prints the name). */
  result(text: string): void {
    this.endProgress();
    this.io.stdout(this.redact(text) + '\n');
  }

  /** The one JSON document of a --json run. */
  writeJson(document: unknown): void {
    if (this.jsonWritten) return;
    this.jsonWritten = true;
    this.io.stdout(this.redact(formatJson(document)) + '\n');
  }

  get wroteJson(): boolean {
    return this.jsonWritten;
  }
}
