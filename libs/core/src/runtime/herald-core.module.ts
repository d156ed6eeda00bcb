import { DynamicModule, Module, Type } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ConfigModule } from '../config/config.module';
import { HeraldConfig } from '../config/herald-config';
import { DatabaseModule } from '../database/database.module';
import { DatabaseRuntime } from '../database/database-runtime';
import { MetricsModule } from '../metrics/metrics.module';
import { QueueModule } from '../queue/queue.module';
import { redactQuery, redactUrl } from './log-redaction';

/**
 * The root of every Herald process: configuration, database, queues,
 * metrics and logging, plus the feature modules of the apps it runs (the api, the worker,
 * or both in the monolith).
 */
@Module({})
export class HeraldCoreModule {
  static forRoot(config: HeraldConfig, database: DatabaseRuntime, features: Type[]): DynamicModule {
    return {
      module: HeraldCoreModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(database),
        QueueModule,
        MetricsModule,
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Lines logged while serving a request carry its id (Fastify's, apps/api/src/http/request-id.ts) as
            // `reqId`, not the whole request again.
            quietReqLogger: true,
            autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
            redact: ['req.headers.authorization', 'req.headers["x-recipient-token"]'],
            serializers: {
              req: (req: { url?: string; query?: unknown }) => ({
                ...req,
                url: req.url && redactUrl(req.url),
                query: redactQuery(req.query),
              }),
            },
          },
        }),
        ...features,
      ],
    };
  }
}
