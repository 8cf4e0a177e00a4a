module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'predictor-router',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
