module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'event-display',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
