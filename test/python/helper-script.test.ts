/** The shipped helper script itself: where the package finds it, and the Pythons it must run on. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { helperScriptPath } from '../../src/flows/python/index.js';
import { PYTHON3 } from './helpers.js';

describe('python/prefect_git_loader.py', () => {
  it('is found from the module and shipped (package.json files has python/)', () => {
    expect(helperScriptPath()).toMatch(/[\\/]python[\\/]prefect_git_loader\.py$/);
    expect(existsSync(helperScriptPath())).toBe(true);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('python');
  });

  it("parses with Python 3.7's grammar (Prefect 1.4.1's oldest Python)", () => {
    const check = 'import ast, sys; ast.parse(open(sys.argv[1], "rb").read(), feature_version=(3, 7)); print("ok")';
    expect(execFileSync(PYTHON3, ['-c', check, helperScriptPath()], { encoding: 'utf8' }).trim()).toBe('ok');
  });
});
