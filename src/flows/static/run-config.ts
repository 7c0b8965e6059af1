/**
 * Prefect 1.4.1 run configs as RunConfigSchema dumps them (reference §1.7). Constructors take
 * keyword arguments only (their positional order is not relied on). Values that Prefect would
 * transform with the local machine (relative working_dir, local template files) are refused.
 */
import type { PyValue } from '../../prefect/py-value.js';
import { checkPoison, describe, expectStr, refuseUnknown, toJson } from './convert.js';
import { floatRepr } from './py-repr.js';
import { raisePy, refuse } from './refusal.js';
import type { Syntax } from './syntax.js';
import { native, type BuiltinV, type Value } from './values.js';
import type { CallArgs, Interp } from './evaluator/interp-types.js';

/** A constructed run config: its type, fields in schema order, and labels (a set). */
export interface RunConfigData {
  type: string;
  env: PyValue;
  fields: [string, PyValue][];
  labels: Set<string>;
}

type FieldKind = 'str' | 'json' | 'cpu' | 'ints' | 'strs' | 'local-path' | 'pull-policy' | 'abs-dir';

const SPECS: Record<string, [string, FieldKind, PyValue?][]> = {
  UniversalRun: [],
  LocalRun: [['working_dir', 'abs-dir']],
  DockerRun: [['image', 'str'], ['ports', 'ints'], ['host_config', 'json']],
  KubernetesRun: [
    ['job_template_path', 'local-path'], ['job_template', 'json'], ['image', 'str'], ['cpu_limit', 'cpu'], ['cpu_request', 'cpu'],
    ['memory_limit', 'str'], ['memory_request', 'str'], ['service_account_name', 'str'], ['image_pull_secrets', 'strs'],
    ['image_pull_policy', 'pull-policy'],
  ],
  ECSRun: [
    ['task_definition_path', 'local-path'], ['task_definition', 'json'], ['task_definition_arn', 'str'], ['image', 'str'],
    ['cpu', 'cpu'], ['memory', 'cpu'], ['task_role_arn', 'str'], ['execution_role_arn', 'str'], ['run_task_kwargs', 'json'],
  ],
  VertexRun: [
    ['image', 'str'], ['machine_type', 'str', 'e2-standard-4'], ['scheduling', 'json'], ['service_account', 'str'],
    ['network', 'str'], ['worker_pool_specs', 'json'],
  ],
};

/** Schemes Prefect leaves for the agent to read; anything else is a local file read at registration. */
const REMOTE_SCHEMES = /^(agent|s3|gcs|gs|https?):\/\//;

function fieldValue(interp: Interp, name: string, kind: FieldKind, v: Value, node: Syntax): PyValue {
  switch (kind) {
    case 'str': return expectStr(v, node, name);
    case 'json':
      if (v.kind === 'str') return refuse(node, `${name} given as a YAML string (Prefect parses it with yaml.safe_load)`);
      return toJson(v, node, name);
    case 'cpu':
      // Prefect stores str(value).
      if (v.kind === 'str') return v.v;
      if (v.kind === 'int') return v.v.toString();
      if (v.kind === 'float') return floatRepr(v.v);
      if (v.kind === 'opaque') refuseUnknown(v, node, name);
      return refuse(node, `${name}=${describe(v)}`);
    case 'ints':
      return interp.iterate(v, node).map((p) => (p.kind === 'int' ? Number(p.v) : refuse(node, `${name} must hold ints`)));
    case 'strs':
      return interp.iterate(v, node).map((p) => expectStr(p, node, `each of ${name}`));
    case 'local-path': {
      const path = expectStr(v, node, name);
      if (!REMOTE_SCHEMES.test(path)) refuse(node, `${name}="${path}" (a local file Prefect reads and inlines at registration)`);
      return path;
    }
    case 'pull-policy': {
      const policy = expectStr(v, node, name);
      if (!['Always', 'IfNotPresent', 'Never'].includes(policy)) raisePy(node, 'ValueError', `Invalid image_pull_policy ${JSON.stringify(policy)}`);
      return policy;
    }
    case 'abs-dir': {
      const dir = expectStr(v, node, name);
      if (!dir.startsWith('/')) refuse(node, `working_dir="${dir}" (Prefect makes it absolute with the registering machine's directory)`);
      return normPosix(dir);
    }
  }
}

/** `os.path.normpath` for an absolute POSIX path (what `os.path.abspath` returns for it). */
function normPosix(path: string): string {
  const lead = path.startsWith('//') && !path.startsWith('///') ? '//' : '/';
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return lead + out.join('/');
}

/** The constructor of one run config class. */
export function runConfigClass(type: string): BuiltinV {
  return {
    kind: 'builtin', name: type,
    call: (interp: Interp, args: CallArgs, node: Syntax): Value => {
      if (args.positional.length > 0) refuse(node, `${type}() with positional arguments`);
      const spec = SPECS[type] ?? [];
      const given = new Map(args.keywords);
      for (const [k, v] of given) {
        checkPoison(v);
        if (k !== 'env' && k !== 'labels' && !spec.some(([n]) => n === k)) raisePy(node, 'TypeError', `${type}.__init__() got an unexpected keyword argument '${k}'`);
      }
      const envV = given.get('env');
      let env: PyValue = null;
      if (envV && envV.kind !== 'none') {
        if (envV.kind !== 'dict') return envV.kind === 'opaque' ? refuseUnknown(envV, node, 'env') : refuse(node, `env=${describe(envV)}`);
        const obj: { [k: string]: PyValue } = {};
        for (const { k, v } of envV.map.values()) {
          Object.defineProperty(obj, expectStr(k, node, 'an env name'), { value: expectStr(v, node, 'an env value'), enumerable: true, writable: true, configurable: true });
        }
        env = obj;
      }
      const labels = new Set<string>();
      const labelsV = given.get('labels');
      if (labelsV && labelsV.kind !== 'none') {
        if (labelsV.kind === 'str') refuse(node, 'labels given as a string');
        for (const l of interp.iterate(labelsV, node)) labels.add(expectStr(l, node, 'each label'));
      }
      const fields: [string, PyValue][] = spec.map(([name, kind, dflt]) => {
        const v = given.get(name);
        return [name, v === undefined || v.kind === 'none' ? (dflt ?? null) : fieldValue(interp, name, kind, v, node)];
      });
      validate(type, fields, node);
      return native('runconfig', { type, env, fields, labels } satisfies RunConfigData);
    },
  };
}

function validate(type: string, fields: [string, PyValue][], node: Syntax): void {
  const get = (n: string): PyValue => fields.find(([k]) => k === n)?.[1] ?? null;
  if (type === 'KubernetesRun' && get('job_template_path') !== null && get('job_template') !== null) {
    raisePy(node, 'ValueError', 'Cannot provide both `job_template_path` and `job_template`');
  }
  if (type === 'ECSRun') {
    const n = ['task_definition_path', 'task_definition', 'task_definition_arn'].filter((k) => get(k) !== null).length;
    if (n > 1) raisePy(node, 'ValueError', 'Cannot provide more than one of `task_definition_path`, `task_definition`, or `task_definition_arn`');
    if (get('task_definition_arn') !== null && get('image') !== null) raisePy(node, 'ValueError', 'Cannot provide both `task_definition_arn` and `image`');
  }
}

/** The serialized run config with `--label` values and storage labels merged (prepare_flows). */
export function serializeRunConfig(data: RunConfigData, extraLabels: readonly string[], version: string, compare: (a: string, b: string) => number): PyValue {
  const labels = new Set(data.labels);
  for (const l of extraLabels) labels.add(l);
  const out: { [k: string]: PyValue } = { env: data.env, labels: [...labels].sort(compare) };
  for (const [k, v] of data.fields) out[k] = v;
  out.__version__ = version;
  out.type = data.type;
  return out;
}

/** `UniversalRun()`, the default prepare_flows sets. */
export const UNIVERSAL_RUN: RunConfigData = { type: 'UniversalRun', env: null, fields: [], labels: new Set() };
