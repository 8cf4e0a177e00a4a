export * from './ingress-meter';
export * from './metrics.route';
