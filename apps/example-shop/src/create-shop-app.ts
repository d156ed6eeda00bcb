import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ShopConfig } from './shop.config';
import { ShopModule } from './shop.module';

/** The shop's HTTP app, on Fastify like Herald's. */
export async function createShopApp(config: ShopConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(ShopModule.register(config), new FastifyAdapter(), {
    logger: ['error', 'warn'],
  });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true }));
  app.enableShutdownHooks();
  return app;
}
