import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, ExitCode } from '../../src/errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

describe('docs/errors.md', () => {
  it('documents every error code with its exit code', () => {
    for (const [code, exit] of Object.entries(ErrorCodes)) {
      expect(doc, `${code} missing from docs/errors.md`).toMatch(new RegExp(`\\| \`${code}\` \\| ${exit} \\|`));
    }
  });
  it('documents no code that does not exist', () => {
    const documented = [...doc.matchAll(/\| `(E_[A-Z_]+)` \|/g)].map((m) => m[1]);
    expect(documented.filter((code) => !(code! in ErrorCodes))).toEqual([]);
  });
  it('has the exit-code table', () => {
    for (const exit of Object.values(ExitCode)) expect(doc).toMatch(new RegExp(`^\\| ${exit} \\| `, 'm'));
  });
});
