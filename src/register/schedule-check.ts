import { isPyObject } from '../prefect/py-value.js';
import type { PyObject } from '../prefect/py-value.js';


/**
 * The required parameters a scheduled flow leaves without a value: Prefect Server refuses to
 * activate such a schedule ("Can not schedule a flow that has required parameters.", reference
 * §8.3) and, when the registration comes from the CLI, silently leaves it inactive. Returns the
 * missing parameter names (empty when the schedule can run).
 */
export function unscheduledRequiredParameters(serialized: PyObject): string[] {
  const schedule = serialized.schedule;
  const parameters = serialized.parameters;
  if (!isPyObject(schedule) || !Array.isArray(parameters)) return [];
  const required = parameters
    .filter((p): p is PyObject => isPyObject(p) && p.required === true && typeof p.name === 'string')
    .map((p) => p.name as string);
  if (required.length === 0) return [];
  const clocks = Array.isArray(schedule.clocks) ? schedule.clocks : [];
  if (clocks.length === 0) return required;
  return required.filter((name) =>
    clocks.some((clock) => {
      const defaults = isPyObject(clock) ? clock.parameter_defaults : undefined;
      return !isPyObject(defaults) || !(name in defaults);
    }),
  );
}
