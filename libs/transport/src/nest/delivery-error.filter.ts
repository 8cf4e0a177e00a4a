import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';
import { DeliveryError } from '../errors';

/**
 * Nest's default RPC exception filter turns anything but an RpcException into a generic
 * "Internal server error"; a DeliveryError must reach the bus intact, since its status decides
 * retry or dead letter and its body becomes the dead letter's knativeerrordata.
 */
@Catch(DeliveryError)
export class DeliveryErrorFilter implements RpcExceptionFilter<DeliveryError> {
  catch(error: DeliveryError): Observable<never> {
    return throwError(() => error);
  }
}
