/**
 * Drift between a registered flow and the code its runs will clone. Pure. What matters at run
 * time (prefect1.md §7.4): the server makes one task run per registered task slug and the loaded
 * flow must have exactly those slugs; parameters fill runs from the registered defaults; Git
 * storage must find the flow by name in `flow_path`.
 */
import { PyFloat } from '../prefect/py-value.js';
import type { PyValue } from '../prefect/py-value.js';

/** What kind of difference a finding is. */
export type FindingKind =
  | 'ref-missing'
  | 'annotated-tag'
  | 'flow-file-missing'
  | 'flow-missing'
  | 'storage-flows'
  | 'slug-missing'
  | 'slug-added'
  | 'parameter-missing'
  | 'parameter-added'
  | 'parameter-required'
  | 'parameter-default';

/** One difference. `fails`: flow runs will fail because of it (else they run other than registered). */
export interface Finding {
  kind: FindingKind;
  fails: boolean;
  message: string;
}

/** A parameter as registered or as read from the code. */
export interface ParameterSpec {
  name: string;
  required: boolean;
  /** Canonical JSON of the default (floats and ints compare equal: the server's JSON loses the difference). */
  defaultJson: string;
}

/** The facts compared: task slugs and parameters. */
export interface FlowShape {
  taskSlugs: readonly string[];
  parameters: readonly ParameterSpec[];
}

function canonical(value: unknown): unknown {
  if (value instanceof PyFloat) return value.value;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value === undefined ? null : value;
}

/** Parameter specs from a serialized flow's or a flow row's `parameters` list (JSON or PyValue). */
export function parameterSpecs(parameters: unknown): ParameterSpec[] {
  if (!Array.isArray(parameters)) return [];
  return parameters.flatMap((p: unknown) => {
    if (p === null || typeof p !== 'object' || Array.isArray(p) || p instanceof PyFloat) return [];
    const row = p as Record<string, unknown>;
    const name = typeof row.name === 'string' ? row.name : typeof row.slug === 'string' ? row.slug : undefined;
    if (name === undefined) return [];
    return [{ name, required: row.required === true, defaultJson: JSON.stringify(canonical(row.default)) }];
  });
}

/** The task slugs of a serialized flow. */
export function taskSlugs(serialized: { [key: string]: PyValue }): string[] {
  const tasks = serialized.tasks;
  if (!Array.isArray(tasks)) return [];
  return tasks.flatMap((task) => (task !== null && typeof task === 'object' && !Array.isArray(task) && !(task instanceof PyFloat) && typeof task.slug === 'string' ? [task.slug] : []));
}

const list = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(', ');

/**
 * Compares the registered shape with the code's. `where` names the code ("my_flows/etl.py at
 * branch main (abc1234)"). Returns the findings, failing ones first; empty when they match.
 */
export function compareFlow(registered: FlowShape, code: FlowShape, where: string): Finding[] {
  const findings: Finding[] = [];
  const codeSlugs = new Set(code.taskSlugs);
  const registeredSlugs = new Set(registered.taskSlugs);
  const missing = [...registeredSlugs].filter((slug) => !codeSlugs.has(slug)).sort();
  const added = [...codeSlugs].filter((slug) => !registeredSlugs.has(slug)).sort();
  if (missing.length > 0) {
    const what = missing.length === 1 ? `slug ${list(missing)} no longer exists` : `slugs ${list(missing)} no longer exist`;
    findings.push({ kind: 'slug-missing', fails: true, message: `runs will fail: ${what} in ${where}` });
  }
  if (added.length > 0) {
    const what = added.length === 1 ? `task ${list(added)} is` : `tasks ${list(added)} are`;
    findings.push({ kind: 'slug-added', fails: true, message: `runs will fail: ${what} in ${where} but not registered (the server makes no task run for it)` });
  }

  const codeParams = new Map(code.parameters.map((p) => [p.name, p]));
  for (const reg of registered.parameters) {
    const now = codeParams.get(reg.name);
    if (now === undefined) {
      findings.push({ kind: 'parameter-missing', fails: false, message: `parameter \`${reg.name}\` is registered but no longer in ${where}` });
      continue;
    }
    if (now.required !== reg.required) {
      findings.push({
        kind: 'parameter-required',
        fails: now.required,
        message: now.required
          ? `runs without it will fail: parameter \`${reg.name}\` is required in ${where} but registered as optional`
          : `parameter \`${reg.name}\` is optional in ${where} but registered as required (runs must still pass it)`,
      });
    } else if (!now.required && now.defaultJson !== reg.defaultJson) {
      findings.push({
        kind: 'parameter-default',
        fails: false,
        message: `parameter \`${reg.name}\` default is ${now.defaultJson} in ${where} but ${reg.defaultJson} as registered (runs get the registered one)`,
      });
    }
  }
  const registeredNames = new Set(registered.parameters.map((p) => p.name));
  for (const now of code.parameters) {
    if (registeredNames.has(now.name)) continue;
    findings.push({
      kind: 'parameter-added',
      fails: now.required,
      message: now.required
        ? `runs will fail: required parameter \`${now.name}\` in ${where} is not registered, so no run can supply it`
        : `parameter \`${now.name}\` in ${where} is not registered (runs use its code default)`,
    });
  }
  return findings.sort((a, b) => Number(b.fails) - Number(a.fails));
}
