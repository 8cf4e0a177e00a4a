import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HealthController } from './health.controller';
import { JsonErrorFilter } from './json-errors';
import { Readiness } from './readiness';
import { ServiceInfo } from './service-info';

/** What every service has: health endpoints, readiness, JSON errors. */
@Global()
@Module({})
export class ServiceModule {
  static forService(name: string): DynamicModule {
    return {
      module: ServiceModule,
      controllers: [HealthController],
      providers: [
        Readiness,
        { provide: ServiceInfo, useValue: new ServiceInfo(name) },
        { provide: APP_FILTER, useClass: JsonErrorFilter },
      ],
      exports: [Readiness, ServiceInfo],
    };
  }
}
