import { describe, expect, it } from 'vitest';
import { ErrorCodes, ExitCode, PrefectGitError } from '../../src/errors.js';

describe('PrefectGitError', () => {
  it('maps each code to its documented exit code', () => {
    expect(new PrefectGitError('E_DETACHED_HEAD', 'x').exitCode).toBe(3);
    expect(new PrefectGitError('E_CONFIG', 'x').exitCode).toBe(2);
    expect(new PrefectGitError('E_API_AUTH', 'x').exitCode).toBe(4);
    expect(new PrefectGitError('E_UNSUPPORTED', 'x').exitCode).toBe(6);
  });
  it('never maps a catalogue code to 0 (ok) or 1 (internal) except E_INTERNAL', () => {
    for (const [code, exit] of Object.entries(ErrorCodes)) {
      if (code === 'E_INTERNAL') expect(exit).toBe(ExitCode.Internal);
      else expect([2, 3, 4, 5, 6]).toContain(exit);
    }
  });
});
