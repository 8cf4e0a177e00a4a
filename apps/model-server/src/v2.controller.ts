import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import type { LogisticRegressionModel } from './model/iris-model';
import { v2Metadata } from './model/v2';
import { IRIS_MODEL, MODEL_NAME } from './model-provider';
import { modelNotFound } from './v2.route';

/**
 * The Open Inference Protocol's health and metadata endpoints. The model is loaded before the
 * server listens, so the server and the model are live and ready whenever they answer; another
 * model's name is a 404 with MLServer's ModelNotFound text.
 */
@Controller('v2')
export class V2Controller {
  constructor(
    @Inject(IRIS_MODEL) private readonly model: LogisticRegressionModel,
    @Inject(MODEL_NAME) private readonly modelName: string,
  ) {}

  @Get('health/live')
  live(): { live: boolean } {
    return { live: true };
  }

  @Get('health/ready')
  ready(): { ready: boolean } {
    return { ready: true };
  }

  @Get('models/:model')
  metadata(@Param('model') model: string): ReturnType<typeof v2Metadata> {
    this.check(model);
    return v2Metadata(this.model, this.modelName);
  }

  @Get('models/:model/ready')
  modelReady(@Param('model') model: string): { name: string; ready: boolean } {
    this.check(model);
    return { name: this.modelName, ready: true };
  }

  private check(model: string): void {
    if (model !== this.modelName) throw new NotFoundException(modelNotFound(model));
  }
}
