module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'ingress-adapter',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
