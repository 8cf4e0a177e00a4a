const backends = (process.env.E2E_BACKENDS ?? 'knative,kafka').split(',');

module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.ts'],
  // Suites of a backend left out of the matrix are not collected at all.
  testPathIgnorePatterns: backends.includes('kafka') ? [] : ['<rootDir>/src/kafka[^/]*\\.e2e\\.ts$'],
  globalSetup: '<rootDir>/src/support/global-setup.js',
  globalTeardown: '<rootDir>/src/support/global-teardown.js',
  testTimeout: 180_000,
  // The suites start real services on fixed ports: one at a time.
  maxWorkers: 1,
};
