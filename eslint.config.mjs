import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/dist', '**/node_modules', '**/coverage', '.nx', 'bench-results'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Libs never import apps; the transport knows nothing of Seldon; Seldon knows nothing of
      // transports; the cloudevents codecs depend on nothing of ours.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          // Tests and benchmarks drive the services through the plain-JS launcher.
          allow: ['.*/tools/run/services\\.js$', '.*/tools/kafka/kafka\\.js$'],
          depConstraints: [
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:cloudevents', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:eventing', onlyDependOnLibsWithTags: ['scope:cloudevents'] },
            { sourceTag: 'scope:seldon', onlyDependOnLibsWithTags: ['scope:cloudevents', 'scope:eventing'] },
            { sourceTag: 'scope:transport', onlyDependOnLibsWithTags: ['scope:cloudevents', 'scope:eventing'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e.ts', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly', globalThis: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
