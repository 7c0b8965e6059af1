import type { FlowLoadError } from '../flows/types.js';
import type { ResolvedRef } from '../git/types.js';
import type { FlowResult, FlowToRegister, RegistrationPlan } from '../register/types.js';
import type { Output } from './output.js';
import { flowErrorJson, renderFlowErrors } from './render-errors.js';

function keysByName(flows: readonly FlowToRegister[]): Map<string, string> {
  return new Map(flows.map((flow) => [flow.name, flow.idempotencyKey]));
}

function resultJson(result: FlowResult, key: string | undefined, codeUrl?: string | null): Record<string, unknown> {
  return {
    name: result.name,
    flow_path: result.flowPath,
    status: result.status,
    flow_id: result.flowId,
    version: result.version,
    idempotency_key: key ?? null,
    url: result.url,
    ...(codeUrl === undefined ? {} : { code_url: codeUrl }),
    error: result.error ?? null,
  };
}

/** `register --dry-run`: what would be sent, without sending it. */
export function renderPlan(
  output: Output,
  input: { ref: ResolvedRef; plan: RegistrationPlan; flows: FlowToRegister[]; refused: FlowResult[]; loadErrors: FlowLoadError[]; extra?: Record<string, unknown> },
): void {
  const { plan } = input;
  const keys = keysByName(input.flows);
  const items = plan.items.map((item) => ({
    name: item.name,
    flow_path: item.flowPath,
    action: item.action === 'unchanged' ? 'would-skip' : item.action === 'refused' ? 'would-refuse' : 'would-register',
    change: item.action,
    reason: item.reason,
    idempotency_key: keys.get(item.name) ?? null,
    latest_version: item.latest?.version ?? null,
    error: item.refusal ?? null,
  }));
  if (output.json) {
    output.writeJson({
      dry_run: true,
      ref: input.ref,
      project: { name: plan.project.name, id: plan.project.id, will_create: plan.project.willCreate },
      plan: items,
      refused: input.refused.map((result) => resultJson(result, keys.get(result.name))),
      errors: input.loadErrors.map(flowErrorJson),
      ...input.extra,
    });
  }
  if (plan.project.willCreate) output.info(`would create project ${plan.project.name}`);
  for (const item of items) {
    if (item.action === 'would-refuse') {
      output.error(`  ${output.colors.red('✗')} ${item.action.padEnd(15)} ${item.name.padEnd(24)} ${item.flow_path}  ${item.reason}`);
      if (item.error?.hint) output.error(`      ${output.colors.dim('hint')} ${item.error.hint}`);
      continue;
    }
    const mark = item.action === 'would-skip' ? output.colors.dim('=') : output.colors.green('+');
    output.info(`  ${mark} ${item.action.padEnd(15)} ${item.name.padEnd(24)} ${item.flow_path}  ${output.colors.dim(item.reason)}`);
  }
  renderRefused(output, input.refused);
  renderFlowErrors(output, input.loadErrors);
  const register = items.filter((item) => item.action === 'would-register').length;
  const skip = items.filter((item) => item.action === 'would-skip').length;
  const refuse = items.length - register - skip;
  output.info(`dry run: ${register} would register, ${skip} would skip${refuse > 0 ? `, ${refuse} refused` : ''}, nothing sent`);
}

function renderRefused(output: Output, refused: readonly FlowResult[]): void {
  for (const result of refused) {
    output.error(`  ${output.colors.red('✗')} ${result.name} (${result.flowPath}): ${result.error?.message ?? 'refused'}`);
    if (result.error?.hint) output.error(`      ${output.colors.dim('hint')} ${result.error.hint}`);
  }
}

/** The outcome of `register`: one line per flow, then the summary. */
export function renderResults(
  output: Output,
  input: {
    ref: ResolvedRef;
    project: { name: string; id: string };
    results: FlowResult[];
    flows: FlowToRegister[];
    loadErrors: FlowLoadError[];
    /** Links to the code of registered flows, by name (provenance). */
    codeUrls?: ReadonlyMap<string, string | null>;
    /** More top-level JSON fields. */
    extra?: Record<string, unknown>;
  },
): void {
  const keys = keysByName(input.flows);
  const summary = { registered: 0, skipped: 0, failed: 0 };
  for (const result of input.results) summary[result.status] += 1;
  if (output.json) {
    output.writeJson({
      ref: input.ref,
      project: { name: input.project.name, id: input.project.id },
      flows: input.results.map((result) => resultJson(result, keys.get(result.name), input.codeUrls?.get(result.name))),
      errors: input.loadErrors.map(flowErrorJson),
      summary,
      ...input.extra,
    });
  }
  for (const result of input.results) {
    if (result.status === 'failed') {
      output.error(`  ${output.colors.red('✗')} failed      ${result.name.padEnd(24)} ${result.error?.message ?? ''}`);
      if (result.error?.hint) output.error(`      ${output.colors.dim('hint')} ${result.error.hint}`);
      continue;
    }
    const mark = result.status === 'registered' ? output.colors.green('✓') : output.colors.dim('=');
    const version = result.version === null ? '' : `v${result.version}`;
    output.info(`  ${mark} ${result.status.padEnd(11)} ${result.name.padEnd(24)} ${version.padEnd(5)} ${result.url ?? ''}`);
  }
  renderFlowErrors(output, input.loadErrors);
  const loadPart = input.loadErrors.length > 0 ? `, ${input.loadErrors.length} not read` : '';
  output.info(`${summary.registered} registered, ${summary.skipped} skipped, ${summary.failed} failed${loadPart}`);
}
