module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'tools',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.spec.ts'],
  // tools/cli is a project of its own (nx run cli:test).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/cli/'],
};
