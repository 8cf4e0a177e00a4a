module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'seldon',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
