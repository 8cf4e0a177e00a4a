export * from './raw-route';
export * from './front-listener';
export * from './request-gate';
export * from './broker-path';
