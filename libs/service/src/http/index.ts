export * from './raw-route';
export * from './raw-server';
