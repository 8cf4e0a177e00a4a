// Shared by every project: swc keeps test start-up fast and, unlike esbuild, emits the
// decorator metadata NestJS needs for constructor injection.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Tests run against the libs' sources, not their build output.
  moduleNameMapper: {
    '^@seldon-eventing/(cloudevents|eventing|seldon|settings|topology|transport|service)$': path.join(__dirname, 'libs/$1/src/index.ts'),
  },
};
