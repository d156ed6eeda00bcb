import { DynamicModule, FactoryProvider, Module, ModuleMetadata } from '@nestjs/common';
import { ClientProxyFactory } from '@nestjs/microservices';
import { HERALD_CLIENT_OPTIONS, HERALD_CLIENT_PROXY, HeraldClientOptions } from './herald-client.options';
import { HeraldClient } from './herald.client';

export interface HeraldClientAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Called with the providers named in `inject`, in that order. */
  useFactory: FactoryProvider<HeraldClientOptions>['useFactory'];
  inject?: FactoryProvider['inject'];
}

/**
 * What a sibling Nest app imports to send through Herald:
 * `HeraldClientModule.register({ transport: { transport: Transport.TCP, options: { port: 3001 } } })`,
 * then inject HeraldClient.
 */
@Module({})
export class HeraldClientModule {
  static register(options: HeraldClientOptions): DynamicModule {
    return HeraldClientModule.registerAsync({ useFactory: () => options });
  }

  /** Options from the app's own configuration, e.g. `inject: [ConfigService]`. */
  static registerAsync(options: HeraldClientAsyncOptions): DynamicModule {
    return {
      module: HeraldClientModule,
      imports: options.imports ?? [],
      providers: [
        { provide: HERALD_CLIENT_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        {
          provide: HERALD_CLIENT_PROXY,
          useFactory: ({ transport }: HeraldClientOptions) =>
            // Apart, for the factory's overloads: one takes Nest's transports, the other a custom client class.
            'customClass' in transport ? ClientProxyFactory.create(transport) : ClientProxyFactory.create(transport),
          inject: [HERALD_CLIENT_OPTIONS],
        },
        HeraldClient,
      ],
      exports: [HeraldClient],
    };
  }
}
