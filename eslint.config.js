// @ts-check
// Lint of the whole tree: typescript-eslint's recommended rules, with formatting left to Prettier
// (eslint-config-prettier turns off the rules it owns). The boundaries between libraries are dependency-cruiser's
// (.dependency-cruiser.cjs); both run in `npm run lint`, which `npm test` and CI run.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.concord/', 'bench/.out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      // `_` marks a parameter a signature needs and the body does not use.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    // Tests, benchmarks and fault scenarios read loosely typed answers and print their figures.
    files: [
      '**/*.spec.ts',
      '**/test/**',
      'bench/**',
      'faults/**',
      'tools/**',
      'libs/testing/**',
      'libs/local/**',
      'apps/console/*.mjs',
    ],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-console': 'off' },
  },
  prettier,
);
