module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'response-publisher',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
