import { runService } from '@seldon-eventing/service';
import { BrokerModule, brokerService } from './broker.module';

void runService(BrokerModule, brokerService);
