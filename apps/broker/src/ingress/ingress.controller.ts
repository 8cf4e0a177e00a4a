import { All, Controller, Inject, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { answeredNonPost, bodyOf, DEFAULT_BROKER, errorBody } from '@seldon-eventing/service';
import type { BrokerRef } from '@seldon-eventing/transport';
import { BrokerIngress } from './broker-ingress';

/** The broker's HTTP surface: methods and status codes as Knative's ingress answers them. */
@Controller()
export class IngressController {
  constructor(
    private readonly ingress: BrokerIngress,
    @Inject(DEFAULT_BROKER) private readonly defaultBroker: BrokerRef,
  ) {}

  @All()
  defaultBrokerIngress(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.handle(this.defaultBroker, req, res);
  }

  @All(':namespace/:broker')
  namedBrokerIngress(@Param('namespace') namespace: string, @Param('broker') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.handle({ namespace, name }, req, res);
  }

  private async handle(broker: BrokerRef, req: Request, res: Response): Promise<void> {
    if (answeredNonPost(req, res)) return;
    const result = await this.ingress.accept(broker, req.headers, bodyOf(req));
    if (result.error) res.status(result.status).json(errorBody(result.status, result.error));
    else res.status(result.status).end();
  }
}
