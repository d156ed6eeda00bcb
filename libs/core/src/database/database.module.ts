import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source';
import { DatabaseAvailability } from './database-availability';
import { DatabaseRuntime } from './database-runtime';
import { PreparedStatements } from './prepared-statements';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(runtime: DatabaseRuntime): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(runtime.url), autoLoadEntities: true })],
      providers: [{ provide: DatabaseRuntime, useValue: runtime }, DatabaseAvailability, PreparedStatements],
      exports: [DatabaseRuntime, DatabaseAvailability, PreparedStatements],
    };
  }
}
