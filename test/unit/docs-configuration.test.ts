import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTING_DEFAULTS, defaultText, settingType } from '../../src/config/describe.js';
import { SETTINGS, SETTING_KEYS, envName } from '../../src/config/schema.js';

const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
const prefectConfigSource = readFileSync(new URL('../../src/config/prefect-config.ts', import.meta.url), 'utf8');

/** The settings table rows: key → [env, type, default, doc]. */
function rows(): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of doc.split('\n')) {
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    const key = /^`([a-z_]+)`$/.exec(cells[0] ?? '')?.[1];
    if (key !== undefined && cells.length === 5) map.set(key, cells.slice(1));
  }
  return map;
}

describe('docs/configuration.md', () => {
  const table = rows();

  it('has one row per setting of the schema, in the same order, with its env variable and type', () => {
    expect([...table.keys()]).toEqual(SETTING_KEYS);
    for (const key of SETTING_KEYS) {
      const [env, type] = table.get(key) ?? [];
      expect(env, key).toBe(`\`${envName(key)}\``);
      expect(type, key).toBe(settingType(key));
    }
  });

  it("gives each setting's fixed default and the gist of its doc line", () => {
    for (const key of SETTING_KEYS) {
      const [, , fallback = '', what = ''] = table.get(key) ?? [];
      const entry: { value: unknown } | { note: string } = SETTING_DEFAULTS[key];
      if ('value' in entry) expect(fallback.replace(/`/g, ''), key).toBe(defaultText(key) === '(none)' ? 'none' : defaultText(key));
      // The doc line up to its first "(default" or ";" must appear, backticks aside.
      const gist = SETTINGS[key].doc.split(/ \(default|;/)[0] ?? '';
      expect(what.replace(/`/g, ''), key).toContain(gist);
    }
  });

  it("names every PREFECT__ variable prefect-config.ts reads", () => {
    const read = new Set([...prefectConfigSource.matchAll(/\b(PREFECT__[A-Z_]+)\b/g)].map((m) => m[1]));
    expect(read.size).toBeGreaterThan(10);
    for (const name of read) expect(doc, name).toContain(`\`${name}\``);
  });
});

describe('setting types and defaults', () => {
  it('reads types from the zod schema', () => {
    expect(settingType('labels')).toBe('list of strings');
    expect(settingType('api')).toBe('URL');
    expect(settingType('concurrency')).toBe('integer 1–64');
    expect(settingType('loader')).toBe('one of: auto, static, python, both');
    expect(settingType('use_ssh')).toBe('boolean');
  });

  it("agrees with every doc line's '(default: X)' where the default is a plain value", () => {
    for (const key of SETTING_KEYS) {
      const said = /\(default: ([^)\s,]+)\)/.exec(SETTINGS[key].doc)?.[1];
      const entry: { value: unknown } | { note: string } = SETTING_DEFAULTS[key];
      if (said !== undefined && 'value' in entry) expect(defaultText(key), key).toBe(said);
    }
  });
});
