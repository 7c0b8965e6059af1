import type { FlowLoadError } from '../flows/types.js';
import type { Output } from './output.js';

/** A flow loading error as it appears in JSON output. */
export function flowErrorJson(error: FlowLoadError): Record<string, unknown> {
  return {
    code: error.code,
    file: error.file,
    line: error.line,
    column: error.column,
    flow: error.flow,
    construct: error.construct,
    message: error.message,
    hint: error.hint,
  };
}

/** `file:line:column: message` then the hint, the way compilers report, so editors can jump. */
export function renderFlowErrors(output: Output, errors: readonly FlowLoadError[]): void {
  for (const error of errors) {
    const where = error.file ? `${error.file}${error.line ? `:${error.line}:${error.column}` : ''}: ` : '';
    const flow = error.flow ? ` [flow ${error.flow}]` : '';
    // The static loader's messages already start with file:line:column (they are also JSON
    // messages): written once, so the line still reads `file:line:column: message`.
    const message = where !== '' && error.message.startsWith(where) ? error.message.slice(where.length) : error.message;
    output.error(`  ${output.colors.red('✗')} ${where}${message}${flow} (${error.code})`);
    if (error.hint) output.error(`      ${output.colors.dim('hint')} ${error.hint}`);
  }
}
