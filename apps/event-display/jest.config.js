module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'event-display',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  // No unit tests yet (this app is covered end to end only); drop this once it has its own.
};
