export * from './api-key.service';
export * from './auth.errors';
export * from './auth.module';
export * from './auth.service';
export * from './auth.types';
export * from './entities/api-key.entity';
