import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';

/** The one JSON error shape every service answers with. */
export interface ErrorBody {
  error: string;
  status: number;
}

export function errorBody(status: number, error: string): ErrorBody {
  return { error, status };
}

/**
 * Turns every error a handler throws into a JSON body. Expected failures are HttpExceptions;
 * anything else is a bug, so it is logged with its stack and answered with a generic 500.
 */
@Catch()
export class JsonErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      res.status(status).json(errorBody(status, messageOf(exception)));
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json(errorBody(500, 'internal error'));
  }
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : exception.message;
}
