module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'cloudevents',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
