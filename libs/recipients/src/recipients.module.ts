import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RecipientEntity } from './entities/recipient.entity';
import { RecipientRepository } from './recipient.repository';
import { RecipientService } from './recipient.service';

@Module({
  imports: [TypeOrmModule.forFeature([RecipientEntity])],
  providers: [RecipientRepository, RecipientService],
  exports: [RecipientService],
})
export class RecipientsModule {}
