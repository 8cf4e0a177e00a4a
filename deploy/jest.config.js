module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'deploy',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // helm is built from source on a machine that has none yet (tools/helm/install.sh).
  testTimeout: 600_000,
};
