import { Module } from '@nestjs/common';
import { defaultBrokerProvider, EventingModule } from '@seldon-eventing/service';
import { FrontDoor } from './front-door';
import { IngressController } from './ingress.controller';

@Module({
  imports: [EventingModule.forRoot()],
  controllers: [IngressController],
  providers: [FrontDoor, defaultBrokerProvider],
})
export class IngressAdapterModule {}
