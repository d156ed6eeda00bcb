export * from './create-shop-app';
export * from './shop.config';
export * from './shop.module';
