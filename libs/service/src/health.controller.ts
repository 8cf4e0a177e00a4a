import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Readiness } from './readiness';
import { ServiceInfo } from './service-info';

/** Paths that stay open whatever else refuses requests (shutdown, authentication). */
export const HEALTH_PATHS = ['/healthz', '/readyz'];

@Controller()
export class HealthController {
  constructor(
    private readonly readiness: Readiness,
    private readonly info: ServiceInfo,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  live(): { status: string; service: string } {
    return { status: 'ok', service: this.info.name };
  }

  @Get('readyz')
  ready(@Res() res: Response): void {
    const { ready, waitingFor } = this.readiness.status();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', service: this.info.name, waitingFor });
  }
}
