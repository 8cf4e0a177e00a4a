import 'reflect-metadata';
import { createServer, type Server } from 'node:http';
import { Inject, INestApplicationContext, Logger, Module, OnApplicationShutdown, Optional, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import type { CompiledTrigger } from '@seldon-eventing/eventing';
import { CloudEventsServer, connectCloudEventsServer, isDeliveryPath, KnativeHttpBus, type Bus } from '@seldon-eventing/transport';
import { authSettings } from './auth.settings';
import { ingressAuth, ingressAuthGate } from './auth/ingress-auth';
import { frontListener, type RawRoute } from './http';
import { BUS } from './eventing.module';
import { intakeGate } from './intake-gate';
import { metricsRoute } from './metrics';
import { createLogger } from './logger';
import { Readiness } from './readiness';
import { ServiceModule } from './service.module';
import { portSettings, serviceSettings, type PortSettings, type ServiceSettings } from './service.settings';
import { setupTracing, tracingSettings } from './tracing';

export interface ServiceOptions {
  name: string;
  defaultPort: number;
  /** Service-specific port variable, e.g. BROKER_PORT (one of the Ports settings); PORT is honoured too (containers). */
  portEnv?: keyof PortSettings;
  /**
   * For services that consume events: the Triggers they serve. Their module must import
   * EventingModule.forRoot(); `@MessagePattern`/`@EventPattern(<type pattern>)` handlers then
   * receive the events.
   */
  subscribe?: (app: INestApplicationContext) => CompiledTrigger[];
  /** The service's per-event hot paths, served ahead of Nest (see RawRoute). */
  rawRoutes?: (app: INestApplicationContext) => RawRoute[];
  /**
   * The service is an event ingress: when INGRESS_AUTH_TOKEN or INGRESS_JWT_* are set, every
   * request but the health checks must carry a valid bearer token.
   */
  ingress?: boolean;
  /**
   * What the start-up line says of the service besides its address, backend and Triggers (which
   * the shell knows), e.g. the broker's Triggers and event log.
   */
  describe?: (app: INestApplicationContext) => string[];
}

/** A service ready to listen: its Nest app, and the HTTP server that fronts it. */
export interface ServiceApp {
  app: NestExpressApplication;
  /** Gates and raw routes first, the Nest app for the rest (see frontListener); closed with the app. */
  server: Server;
  /** What the start-up line says after the address: backend, Triggers served, and the service's own words. */
  summary: string[];
}

/**
 * Builds a service without listening. Bodies of raw routes arrive as raw Buffers of any content
 * type (CloudEvents bindings and Seldon payloads need the exact bytes, and parsing is the codecs'
 * job); Nest's own routes (health, listings) take no bodies, so it gets no body parser.
 */
export async function createServiceApp(module: Type<unknown>, options: ServiceOptions, settings: ServiceSettings = serviceSettings.read()): Promise<ServiceApp> {
  const framework = express();
  // Node closes a keep-alive connection after 5 s idle. undici's pools hand requests to their
  // first free connections, so under bursty load the last ones idle out and the next burst
  // connects anew: 2-3% of the broker's CPU went to connecting (docs/performance.md). Peers keep
  // their pools this long; close() still ends idle connections at once (Node >= 19).
  const server = createServer();
  server.keepAliveTimeout = 65_000;

  @Module({ imports: [ServiceModule.forService(options.name), module] })
  class RootModule implements OnApplicationShutdown {
    /** The bus of services that have one (EventingModule.forRoot(), global), for the start-up line. */
    constructor(@Optional() @Inject(BUS) readonly bus?: Bus) {}

    /**
     * Nest closes a server it listens with itself; this one is ours. The root module's shutdown
     * hook runs after every beforeApplicationShutdown (the broker's drain, during which the gates
     * answer 503) and before the other modules' shutdown hooks (closing the bus), which is when
     * Nest would close its own: in-flight requests finish while the bus is still open.
     */
    async onApplicationShutdown(): Promise<void> {
      if (server.listening) await new Promise((resolve) => server.close(resolve));
    }
  }

  const app = await NestFactory.create<NestExpressApplication>(RootModule, new ExpressAdapter(framework), {
    bodyParser: false,
    logger: createLogger(options.name, settings),
  });
  app.set('x-powered-by', false);
  app.set('etag', false);
  const routes = [metricsRoute(), ...(options.rawRoutes?.(app) ?? [])];
  const bus = app.get(RootModule).bus;
  const summary = bus ? [`backend ${bus.backend}`] : [];
  if (options.subscribe) {
    const triggers = options.subscribe(app);
    routes.push(...connectSubscriptions(app, triggers));
    summary.push(triggerCount(triggers.length));
  }
  summary.push(...(options.describe?.(app) ?? []));
  const auth = options.ingress ? ingressAuth(authSettings.read()) : undefined;
  const gates = [intakeGate(app.get(Readiness)), ...(auth ? [ingressAuthGate(auth)] : [])];
  await app.startAllMicroservices();
  await app.init();
  server.on('request', frontListener(gates, routes, settings.maxBodyBytes, framework));
  return { app, server, summary };
}

/** `1 Trigger`, `3 Triggers`: the words of the start-up lines. */
export function triggerCount(count: number): string {
  return `${count} Trigger${count === 1 ? '' : 's'}`;
}

/** The service's own port variable if set, else PORT, else its default. */
export function servicePort(options: ServiceOptions, settings: Pick<ServiceSettings, 'port'>, ports: PortSettings): number {
  return (options.portEnv && ports[options.portEnv]) ?? settings.port ?? options.defaultPort;
}

/** Creates the app, listens, and shuts down gracefully on SIGTERM/SIGINT. */
export async function runService(module: Type<unknown>, options: ServiceOptions): Promise<ServiceApp> {
  const settings = serviceSettings.read();
  const port = servicePort(options, settings, portSettings.read());
  const logger = new Logger(options.name);
  const tracing = setupTracing(options.name, tracingSettings.read());
  const service = await createServiceApp(module, options, settings);
  const { app, server, summary } = service;
  const readiness = app.get(Readiness);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: draining and stopping`);
    readiness.markStopping();
    const forced = setTimeout(() => {
      logger.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, settings.shutdownTimeoutMs);
    forced.unref();
    try {
      await app.close();
      await tracing.shutdown().catch((err) => logger.warn(`spans not exported at shutdown: ${(err as Error).message}`));
      process.exit(0);
    } catch (err) {
      logger.error(`shutdown failed: ${(err as Error).stack}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await listen(server, port, settings.host);
  // The one line a start says at the default level (Nest's own chatter is at debug).
  logger.log([`${options.name} listening on http://${settings.host}:${port}`, ...summary].join(', '));
  return service;
}

/** Resolves once the server listens; rejects with the reason it cannot (e.g. EADDRINUSE). */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Connects the service's handlers to the bus; on knative, deliveries arrive as a raw route. */
function connectSubscriptions(app: NestExpressApplication, triggers: CompiledTrigger[]): RawRoute[] {
  const bus = app.get<Bus>(BUS);
  connectCloudEventsServer(app, new CloudEventsServer(bus, triggers, new Logger('CloudEventsServer')));
  return bus instanceof KnativeHttpBus ? [{ serves: isDeliveryPath, handle: bus.receiver.handle }] : [];
}
