export * from './raw-route';
export * from './raw-server';
export * from './request-gate';
export * from './broker-path';
