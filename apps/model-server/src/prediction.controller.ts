import { randomUUID } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Inject, NotFoundException, Param, Post, Res, UseFilters } from '@nestjs/common';
import { parseIngressPath, parseSeldonMessage, SELDON_PUID_HEADER, type SeldonMessage } from '@seldon-eventing/seldon';
import type { Response } from 'express';
import type { LogisticRegressionModel } from './model/iris-model';
import { predictMessage, type PredictionResponse } from './model/prediction';
import { IRIS_MODEL } from './model-provider';
import { SeldonErrorFilter } from './seldon-error.filter';

/** The response header, spelled as the executor sends it. */
const PUID_RESPONSE_HEADER = 'Seldon-Puid';

/**
 * Seldon protocol v1 predictions, at the paths a Seldon predictor answers on:
 * `/api/v1.0/predictions` (and v0.1), the ingress gateway form
 * `/seldon/<namespace>/<deployment>/api/v1.0/predictions`, and the Python wrapper's `/predict`.
 *
 * The request's puid is its Seldon-Puid header, else its `meta.puid`, else a fresh UUID (the
 * executor makes one up too); it goes back in the Seldon-Puid header and in `meta.puid`.
 */
@Controller()
@UseFilters(SeldonErrorFilter)
export class PredictionController {
  constructor(@Inject(IRIS_MODEL) private readonly model: LogisticRegressionModel) {}

  @Post(['api/v1.0/predictions', 'api/v0.1/predictions', 'predict'])
  @HttpCode(200)
  predict(@Body() body: unknown, @Headers(SELDON_PUID_HEADER) puidHeader: string | undefined, @Res({ passthrough: true }) res: Response): PredictionResponse {
    return this.answer(body, puidHeader, res);
  }

  @Post(['seldon/:namespace/:deployment/api/v1.0/predictions', 'seldon/:namespace/:deployment/api/v0.1/predictions'])
  @HttpCode(200)
  predictThroughGateway(
    @Param('namespace') namespace: string,
    @Param('deployment') deployment: string,
    @Body() body: unknown,
    @Headers(SELDON_PUID_HEADER) puidHeader: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): PredictionResponse {
    if (!parseIngressPath(`/seldon/${namespace}/${deployment}/api/v1.0/predictions`)) {
      throw new NotFoundException(`'${namespace}/${deployment}' is not a valid namespace/deployment pair`);
    }
    return this.answer(body, puidHeader, res);
  }

  private answer(body: unknown, puidHeader: string | undefined, res: Response): PredictionResponse {
    // The header goes out on failures too, as the executor's middleware sets it before the handler.
    const headerPuid = typeof puidHeader === 'string' && puidHeader !== '' ? puidHeader : undefined;
    let puid = headerPuid ?? randomUUID();
    res.setHeader(PUID_RESPONSE_HEADER, puid);
    const message: SeldonMessage = parseSeldonMessage(Buffer.isBuffer(body) ? body : Buffer.alloc(0));
    const metaPuid = message.meta?.puid;
    if (!headerPuid && typeof metaPuid === 'string' && metaPuid !== '') {
      puid = metaPuid;
      res.setHeader(PUID_RESPONSE_HEADER, puid);
    }
    return predictMessage(this.model, message, puid);
  }
}
