import { PrefectGitError } from '../errors.js';
import type { ResolvedRef } from '../git/types.js';
import { isPyObject } from '../prefect/py-value.js';
import { refSlug } from '../register/project-name.js';
import type { FlowLoadError, LoadedFlow } from './types.js';

/** Run configs that carry an image (reference §1.7); the others run wherever the agent is. */
const IMAGE_RUN_CONFIGS = new Set(['KubernetesRun', 'DockerRun', 'ECSRun', 'VertexRun']);

/**
 * Fills `{ref}`, `{ref_slug}`, `{tag}`, `{branch}` and `{sha}` (7-hex short commit) in an image
 * reference, so CI can pin `registry/flows-runtime:{tag}` to the ref being registered.
 * @throws PrefectGitError E_CONFIG for an unknown placeholder or `{tag}` on a branch (and back).
 */
export function expandImage(template: string, ref: Pick<ResolvedRef, 'type' | 'name' | 'commit'>): string {
  return template.replace(/\{([^{}]*)\}/g, (whole, key: string) => {
    if (key === 'ref') return ref.name;
    if (key === 'ref_slug') return refSlug(ref.name);
    if (key === 'sha') return ref.commit.slice(0, 7);
    if (key === 'tag' || key === 'branch') {
      if (ref.type === key) return ref.name;
      throw new PrefectGitError('E_CONFIG', `image '${template}' uses {${key}} but the ref is a ${ref.type} (${ref.name})`, {
        hint: 'Use {ref}, {ref_slug} or {sha}, which work for branches and tags alike.',
      });
    }
    throw new PrefectGitError('E_CONFIG', `unknown placeholder ${whole} in image '${template}'`, {
      hint: 'Placeholders are {ref}, {ref_slug}, {tag}, {branch} and {sha}.',
    });
  });
}


/**
 * Sets the image of every flow whose run config takes one. The image is part of the serialized
 * flow, so a new image is a new version. A flow whose run config has no image (UniversalRun,
 * LocalRun) is refused with an error naming it rather than registered without the image the
 * user asked for; so is an ECSRun with a task_definition_arn (Prefect forbids both).
 */
export function applyImage(flows: readonly LoadedFlow[], image: string): { flows: LoadedFlow[]; errors: FlowLoadError[] } {
  const out: LoadedFlow[] = [];
  const errors: FlowLoadError[] = [];
  for (const flow of flows) {
    const runConfig = flow.serialized.run_config;
    const type = isPyObject(runConfig) && typeof runConfig.type === 'string' ? runConfig.type : 'none';
    const refuse = (message: string, hint: string): void => {
      errors.push({ code: 'E_UNSUPPORTED', file: flow.flowPath, line: flow.line ?? 0, column: 0, flow: flow.name, construct: `--image with ${type}`, message, hint });
    };
    if (!isPyObject(runConfig) || !IMAGE_RUN_CONFIGS.has(type)) {
      refuse(
        `flow '${flow.name}' has a ${type} run config, which takes no image, but --image was given`,
        'Give the flow a KubernetesRun, DockerRun, ECSRun or VertexRun, or leave it out of this run (--name / paths).',
      );
      continue;
    }
    if (type === 'ECSRun' && runConfig.task_definition_arn !== null && runConfig.task_definition_arn !== undefined) {
      refuse(`flow '${flow.name}' uses an ECSRun with task_definition_arn, which Prefect does not allow with an image`, 'Drop task_definition_arn or do not pass --image.');
      continue;
    }
    out.push({ ...flow, serialized: { ...flow.serialized, run_config: { ...runConfig, image } } });
  }
  return { flows: out, errors };
}
