module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'model-server',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
