import { All, Controller, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { answeredNonPost, bodyOf, DEFAULT_BROKER, errorBody } from '@seldon-eventing/service';
import type { BrokerRef } from '@seldon-eventing/transport';
import { FrontDoor, Refusal } from './front-door';

/**
 * CloudEvents at the broker URL forms (`POST /`, `POST /<namespace>/<broker>`), so clients do not
 * notice whether a broker or this adapter answers, and plain Seldon REST at the ingress-gateway
 * path. 202 with the accepted event ids; refusals as JSON with the reason.
 */
@Controller()
export class IngressController {
  constructor(
    private readonly door: FrontDoor,
    @Inject(DEFAULT_BROKER) private readonly defaultBroker: BrokerRef,
  ) {}

  @All('seldon/:namespace/:deployment/api/v1.0/predictions')
  async prediction(@Param('namespace') namespace: string, @Param('deployment') deployment: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (answeredNonPost(req, res)) return;
    await this.answer(res, async () => [await this.door.acceptPrediction(this.defaultBroker, { deployment, namespace }, req.headers, bodyOf(req))]);
  }

  @All()
  async defaultBrokerEvents(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (answeredNonPost(req, res)) return;
    await this.answer(res, () => this.door.acceptEvents(this.defaultBroker, req.headers, bodyOf(req)));
  }

  @All(':namespace/:broker')
  async brokerEvents(@Param('namespace') namespace: string, @Param('broker') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    if (answeredNonPost(req, res)) return;
    await this.answer(res, () => this.door.acceptEvents({ namespace, name }, req.headers, bodyOf(req)));
  }

  private async answer(res: Response, accept: () => Promise<string[]>): Promise<void> {
    try {
      const ids = await accept();
      res.status(202).json(ids.length === 1 ? { id: ids[0] } : { ids });
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      const body = err.accepted.length > 0 ? { ...errorBody(err.status, err.message), accepted: err.accepted } : errorBody(err.status, err.message);
      res.status(err.status).json(body);
    }
  }
}
