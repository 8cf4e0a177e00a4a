import { Controller, Get, Header } from '@nestjs/common';

/**
 * The Python wrapper's health endpoints: `/health/ping` answers `pong` as soon as the server is
 * up; `/health/status` answers a SeldonMessage, `{"strData":"healthy"}` for a model without a
 * health check of its own. The model is loaded before the server listens, so both are true
 * whenever they answer. (`/healthz` and `/readyz` come from the service shell.)
 */
@Controller()
export class SeldonHealthController {
  @Get('health/ping')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  ping(): string {
    return 'pong';
  }

  @Get(['health/status', 'api/v1.0/health/status'])
  status(): { strData: string; meta: Record<string, never> } {
    return { strData: 'healthy', meta: {} };
  }
}
