module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'kafka-dispatcher',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
