// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Only these rooms may import these packages (docs/design.md explains why). */
const restricted = (names) => ({
  'no-restricted-imports': ['error', { paths: names.map((name) => ({ name, message: `only its own room imports ${name}` })) }],
});

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'test/fixtures/', 'bench/results/', 'bench/work/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: true },
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Flat config does not merge one rule across objects: the later object wins, so each room names
  // everything it may not import.
  { files: ['src/**/*.ts'], rules: restricted(['simple-git', 'graphql-request', 'commander']) },
  { files: ['src/git/repo.ts'], rules: restricted(['graphql-request', 'commander']) },
  { files: ['src/api/client.ts'], rules: restricted(['simple-git', 'commander']) },
  { files: ['src/cli/**/*.ts'], rules: restricted(['simple-git', 'graphql-request']) },
  { files: ['**/*.js', '**/*.mjs'], extends: [tseslint.configs.disableTypeChecked], languageOptions: { globals: globals.node } },
);
