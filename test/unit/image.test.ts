import { describe, expect, it } from 'vitest';
import { applyImage, expandImage } from '../../src/flows/image.js';
import type { LoadedFlow } from '../../src/flows/types.js';
import { PrefectGitError } from '../../src/errors.js';

const TAG = { type: 'tag' as const, name: 'v1.2.0', commit: '0123456789abcdef0123456789abcdef01234567' };
const BRANCH = { type: 'branch' as const, name: 'feature/New_Thing', commit: 'fedcba9876543210fedcba9876543210fedcba98' };

function flow(name: string, runConfig: Record<string, unknown>): LoadedFlow {
  return { name, flowPath: `flows/${name}.py`, line: 3, loader: 'static', serialized: { name, run_config: runConfig as never } };
}

describe('expandImage', () => {
  it.each([
    ['reg/runtime:{tag}', TAG, 'reg/runtime:v1.2.0'],
    ['reg/runtime:{ref}', TAG, 'reg/runtime:v1.2.0'],
    ['reg/runtime:{sha}', TAG, 'reg/runtime:0123456'],
    ['reg/runtime:{ref_slug}', BRANCH, 'reg/runtime:feature-new-thing'],
    ['reg/runtime:{branch}-{sha}', BRANCH, 'reg/runtime:feature/New_Thing-fedcba9'],
    ['reg/runtime:latest', BRANCH, 'reg/runtime:latest'],
  ])('%s on %o', (template, ref, expected) => expect(expandImage(template, ref)).toBe(expected));

  it('refuses {tag} on a branch and unknown placeholders', () => {
    expect(() => expandImage('x:{tag}', BRANCH)).toThrow(PrefectGitError);
    expect(() => expandImage('x:{version}', TAG)).toThrow(/unknown placeholder \{version\}/);
  });
});

describe('applyImage', () => {
  it('sets the image of Kubernetes and Docker run configs, leaving the rest of the flow alone', () => {
    const k8s = flow('k8s', { type: 'KubernetesRun', image: 'old', labels: ['a'] });
    const docker = flow('docker', { type: 'DockerRun', image: null, ports: [8080] });
    const { flows, errors } = applyImage([k8s, docker], 'reg/runtime:v1');
    expect(errors).toEqual([]);
    expect(flows.map((f) => f.serialized.run_config)).toEqual([
      { type: 'KubernetesRun', image: 'reg/runtime:v1', labels: ['a'] },
      { type: 'DockerRun', image: 'reg/runtime:v1', ports: [8080] },
    ]);
    expect(k8s.serialized.run_config).toEqual({ type: 'KubernetesRun', image: 'old', labels: ['a'] });
  });

  it('refuses flows whose run config takes no image (Universal, Local), naming the flow', () => {
    const { flows, errors } = applyImage([flow('uni', { type: 'UniversalRun', labels: [] }), flow('k8s', { type: 'KubernetesRun', image: null })], 'x:1');
    expect(flows.map((f) => f.name)).toEqual(['k8s']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'E_UNSUPPORTED', flow: 'uni', file: 'flows/uni.py', line: 3 });
    expect(errors[0]?.message).toContain('UniversalRun');
  });

  it('refuses an ECSRun that names a task definition ARN', () => {
    const { errors } = applyImage([flow('ecs', { type: 'ECSRun', image: null, task_definition_arn: 'arn:aws:ecs:x' })], 'x:1');
    expect(errors[0]?.message).toContain('task_definition_arn');
  });
});
