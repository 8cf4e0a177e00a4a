import { runService } from '@seldon-eventing/service';
import { KafkaDispatcherModule, kafkaDispatcherService } from './kafka-dispatcher.module';

void runService(KafkaDispatcherModule, kafkaDispatcherService);
