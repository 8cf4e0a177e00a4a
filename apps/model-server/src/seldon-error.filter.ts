import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { seldonError, SeldonPayloadError } from '@seldon-eventing/seldon';
import type { Response } from 'express';

/**
 * Answers failures of the Seldon endpoints with Seldon's FAILURE body instead of the shell's
 * `{error, status}`: a bad payload is 400 MICROSERVICE_BAD_DATA, a bug 500
 * MICROSERVICE_INTERNAL_ERROR (as the Python wrapper's generic handler does).
 */
@Catch()
export class SeldonErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('SeldonErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (exception instanceof SeldonPayloadError) {
      this.logger.debug(`refused payload: ${exception.message}`);
      res.status(exception.status).json(exception.toSeldonStatus());
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      res.status(status).json(seldonError(status, exception.message));
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    res.status(500).json(seldonError(500, 'internal error'));
  }
}
