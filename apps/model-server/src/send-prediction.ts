import type { ServerResponse } from 'node:http';
import type { Logger } from '@nestjs/common';
import { SeldonPayloadError } from '@seldon-eventing/seldon';
import { sendJson } from '@seldon-eventing/service';

/**
 * Answers what `predict` computes; a request the model cannot take (SeldonPayloadError) gets
 * 400 with the reason, as TF Serving and MLServer answer it; anything else 500, logged. The
 * body of each error is `{"error": "..."}`, the shape both protocols share.
 */
export function sendPrediction(res: ServerResponse, log: Logger, predict: () => unknown): void {
  try {
    sendJson(res, 200, predict());
  } catch (err) {
    if (!(err instanceof SeldonPayloadError)) {
      log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      return sendJson(res, 500, { error: 'internal error' });
    }
    log.debug(`refused request: ${err.message}`);
    sendJson(res, 400, { error: err.message });
  }
}
