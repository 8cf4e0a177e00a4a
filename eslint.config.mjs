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
            { sourceTag: 'scope:settings', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:cloudevents', onlyDependOnLibsWithTags: ['scope:settings'] },
            { sourceTag: 'scope:eventing', onlyDependOnLibsWithTags: ['scope:settings', 'scope:cloudevents'] },
            { sourceTag: 'scope:seldon', onlyDependOnLibsWithTags: ['scope:settings', 'scope:cloudevents', 'scope:eventing'] },
            { sourceTag: 'scope:transport', onlyDependOnLibsWithTags: ['scope:settings', 'scope:cloudevents', 'scope:eventing'] },
            // Where Seldon and eventing meet: who serves each Trigger.
            { sourceTag: 'scope:topology', onlyDependOnLibsWithTags: ['scope:settings', 'scope:cloudevents', 'scope:eventing', 'scope:seldon'] },
            // The service shell knows nothing of Seldon nor of the topology.
            { sourceTag: 'scope:service', onlyDependOnLibsWithTags: ['scope:settings', 'scope:cloudevents', 'scope:eventing', 'scope:transport'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
          ],
        },
      ],
    },
  },
  {
    // One settings surface: the environment is read only by the settings modules (typed,
    // validated, documented in the README's generated table), never ad hoc.
    files: ['libs/**/*.ts', 'apps/**/*.ts'],
    ignores: ['**/*.settings.ts', '**/*.spec.ts', 'libs/settings/src/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read environment variables through a settings group in a *.settings.ts file (see libs/settings).' },
      ],
    },
  },
  {
    // The transport is usable without Nest: only its Nest adapter (nest/) imports the framework.
    files: ['libs/transport/src/**/*.ts'],
    ignores: ['libs/transport/src/nest/**', '**/*.spec.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@nestjs/*'], message: 'Only libs/transport/src/nest/ may import NestJS.' }] }] },
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
