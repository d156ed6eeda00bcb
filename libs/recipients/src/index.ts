export * from './dto/address.validators';
export * from './dto/recipient.dto';
export * from './entities/recipient.entity';
export * from './recipient.service';
export * from './recipient.types';
export * from './recipients.module';
