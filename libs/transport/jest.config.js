module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'transport',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
