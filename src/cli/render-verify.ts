import type { VerifyReport } from '../verify/verify.js';
import type { Output } from './output.js';

/** `verify`: one block per flow (findings indented), then the summary; JSON mirrors it. */
export function renderVerify(output: Output, input: { project: { name: string; id: string }; remote: string; report: VerifyReport }): void {
  const { report } = input;
  if (output.json) {
    output.writeJson({
      project: input.project,
      remote: input.remote,
      flows: report.flows.map((flow) => ({
        name: flow.name,
        version: flow.version,
        flow_path: flow.flowPath,
        ref: flow.ref,
        commit: flow.commit,
        status: flow.status,
        findings: flow.findings,
        note: flow.note ?? null,
        error: flow.loadError ?? null,
      })),
      summary: report.summary,
    });
  }
  const { colors } = output;
  for (const flow of report.flows) {
    const at = flow.ref === null ? '' : ` ${flow.ref.type} ${flow.ref.name}${flow.commit === null ? '' : ` (${flow.commit.slice(0, 7)})`}`;
    const head = `${flow.name.padEnd(24)} v${String(flow.version).padEnd(4)} ${flow.flowPath ?? ''}${at}`;
    if (flow.status === 'ok') output.info(`  ${colors.green('✓')} ok          ${head}`);
    else if (flow.status === 'skipped') output.info(`  ${colors.dim('-')} skipped     ${head}  ${colors.dim(flow.note ?? '')}`);
    else if (flow.status === 'unverified') output.warn(`unverified  ${head}: ${flow.note ?? ''}`);
    else {
      output.error(`  ${colors.red('✗')} drift       ${head}`);
      for (const finding of flow.findings) output.error(`      ${finding.fails ? colors.red('!') : colors.yellow('~')} ${finding.message}`);
    }
  }
  const { ok, drift, unverified, skipped } = report.summary;
  output.info(`${ok} ok, ${drift} drifted, ${unverified} not verified, ${skipped} skipped`);
  if (drift > 0) output.info(`re-register the drifted flows from their ref (prefect-git register --project ${input.project.name} ...) so runs match the code`);
}
