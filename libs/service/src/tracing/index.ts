export * from './setup-tracing';
export * from './tracing.settings';
