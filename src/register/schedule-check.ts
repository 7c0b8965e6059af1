import { PyFloat } from '../prefect/py-value.js';
import type { PyValue } from '../prefect/py-value.js';

function isObject(value: PyValue | undefined): value is { [key: string]: PyValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyFloat);
}

/**
 * The required parameters a scheduled flow leaves without a value: Prefect Server refuses to
 * activate such a schedule ("Can not schedule a flow that has required parameters.", reference
 * §8.3) and, when the registration comes from the CLI, silently leaves it inactive. Returns the
 * missing parameter names (empty when the schedule can run).
 */
export function unscheduledRequiredParameters(serialized: { [key: string]: PyValue }): string[] {
  const schedule = serialized.schedule;
  const parameters = serialized.parameters;
  if (!isObject(schedule) || !Array.isArray(parameters)) return [];
  const required = parameters
    .filter((p): p is { [key: string]: PyValue } => isObject(p) && p.required === true && typeof p.name === 'string')
    .map((p) => p.name as string);
  if (required.length === 0) return [];
  const clocks = Array.isArray(schedule.clocks) ? schedule.clocks : [];
  if (clocks.length === 0) return required;
  return required.filter((name) =>
    clocks.some((clock) => {
      const defaults = isObject(clock) ? clock.parameter_defaults : undefined;
      return !isObject(defaults) || !(name in defaults);
    }),
  );
}
