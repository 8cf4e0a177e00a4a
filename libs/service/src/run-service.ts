import 'reflect-metadata';
import { INestApplication, INestApplicationContext, Logger, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { CompiledTrigger } from '@seldon-eventing/eventing';
import { CloudEventsServer, connectCloudEventsServer, isDeliveryPath, KnativeHttpBus, type Bus } from '@seldon-eventing/transport';
import { ingressAuthFromEnv, ingressAuthGate } from './auth/ingress-auth';
import { envInt, envString } from './env';
import { installFrontListener, type RawRoute } from './http';
import { BUS } from './eventing.module';
import { intakeGate } from './intake-gate';
import { bodyParserErrors } from './json-errors';
import { createLogger } from './logger';
import { Readiness } from './readiness';
import { ServiceModule } from './service.module';

export interface ServiceOptions {
  name: string;
  defaultPort: number;
  /** Service-specific port variable, e.g. BROKER_PORT; PORT is honoured too (containers). */
  portEnv?: string;
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
}

export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Builds a service's Nest app without listening. Bodies arrive as raw Buffers of any content
 * type: CloudEvents bindings and Seldon payloads need the exact bytes, and parsing is the
 * codecs' job, not the framework's.
 */
export async function createServiceApp(module: Type<unknown>, options: ServiceOptions): Promise<NestExpressApplication> {
  @Module({ imports: [ServiceModule.forService(options.name), module] })
  class RootModule {}

  const app = await NestFactory.create<NestExpressApplication>(RootModule, {
    bodyParser: false,
    logger: createLogger(options.name),
  });
  const maxBodyBytes = envInt('MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES);
  app.useBodyParser('raw', { type: () => true, limit: maxBodyBytes });
  app.use(bodyParserErrors);
  app.set('x-powered-by', false);
  app.set('etag', false);
  const routes = options.rawRoutes?.(app) ?? [];
  if (options.subscribe) routes.push(...connectSubscriptions(app, options.subscribe));
  const auth = options.ingress ? ingressAuthFromEnv() : undefined;
  const gates = [intakeGate(app.get(Readiness)), ...(auth ? [ingressAuthGate(auth)] : [])];
  installFrontListener(app.getHttpServer(), gates, routes, maxBodyBytes);
  return app;
}

export function servicePort(options: ServiceOptions, env: NodeJS.ProcessEnv = process.env): number {
  const specific = options.portEnv ? envInt(options.portEnv, -1, env) : -1;
  return specific >= 0 ? specific : envInt('PORT', options.defaultPort, env);
}

/** Creates the app, listens, and shuts down gracefully on SIGTERM/SIGINT. */
export async function runService(module: Type<unknown>, options: ServiceOptions): Promise<INestApplication> {
  const logger = new Logger(options.name);
  const app = await createServiceApp(module, options);
  const readiness = app.get(Readiness);
  const port = servicePort(options);
  const host = envString('HOST', '0.0.0.0');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: draining and stopping`);
    readiness.markStopping();
    const forced = setTimeout(() => {
      logger.error('graceful shutdown timed out; exiting');
      process.exit(1);
    }, envInt('SHUTDOWN_TIMEOUT_MS', 20_000));
    forced.unref();
    try {
      await app.close();
      process.exit(0);
    } catch (err) {
      logger.error(`shutdown failed: ${(err as Error).stack}`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  await app.startAllMicroservices();
  await app.listen(port, host);
  logger.log(`listening on http://${host}:${port}`);
  return app;
}

/** Connects the service's handlers to the bus; on knative, deliveries arrive as a raw route. */
function connectSubscriptions(app: NestExpressApplication, subscribe: (app: INestApplicationContext) => CompiledTrigger[]): RawRoute[] {
  const bus = app.get<Bus>(BUS);
  connectCloudEventsServer(app, new CloudEventsServer(bus, subscribe(app), new Logger('CloudEventsServer')));
  return bus instanceof KnativeHttpBus ? [{ serves: isDeliveryPath, handle: bus.receiver.handle }] : [];
}
