import { runService } from '@seldon-eventing/service';
import { IngressAdapterModule, ingressAdapterService } from './ingress-adapter.module';

void runService(IngressAdapterModule, ingressAdapterService);
