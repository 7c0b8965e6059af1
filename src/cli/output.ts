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
    this.interactive = io.stderrIsTTY && !isCi(io.env) && options.quiet !== true && options.json !== true;
  }

  /**
   * True when stderr is a terminal outside CI and neither --quiet nor --json is given: only then
   * may a command redraw lines (spinners, counters). Otherwise every event is one plain line, so
   * CI logs and pipes read top to bottom.
   */
  readonly interactive: boolean;

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
    this.io.stderr(this.redact(line) + '\n');
  }

  /** A warning (stderr); silent with --quiet, which keeps only errors. */
  warn(line: string): void {
    if (this.options.quiet) return;
    this.io.stderr(this.redact(`${this.colors.yellow('warning')} ${line}`) + '\n');
  }

  /** An error line (stderr); always shown. */
  error(line: string): void {
    this.io.stderr(this.redact(line) + '\n');
  }

  /** Debug detail (stderr), only with --debug. */
  debug(line: string): void {
    if (this.options.debug) this.io.stderr(this.redact(`${this.colors.dim('debug')} ${line}`) + '\n');
  }

  /** Human result text on stdout (used when not in --json mode, e.g. `ref` prints the name). */
  result(text: string): void {
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
