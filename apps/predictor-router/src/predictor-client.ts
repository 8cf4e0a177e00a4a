import { Injectable } from '@nestjs/common';
import { httpPost, type HttpResponse } from '@seldon-eventing/transport';
import { SELDON_PUID_HEADER } from '@seldon-eventing/seldon';
import { predictorRouterSettings } from './predictor-router.settings';

/** Calls a predictor over HTTP with Seldon's request id header. */
@Injectable()
export class PredictorClient {
  private readonly timeoutMs = predictorRouterSettings.read().predictorTimeoutMs;

  predict(url: URL, body: Buffer, contentType: string, puid: string): Promise<HttpResponse> {
    return httpPost(url, { 'content-type': contentType, [SELDON_PUID_HEADER]: puid }, body, this.timeoutMs);
  }
}
