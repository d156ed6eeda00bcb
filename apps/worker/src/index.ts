export * from './worker.module';
export * from './delivery/delivery-worker.host';
