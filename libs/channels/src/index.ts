export * from './channel-driver';
export * from './channel.registry';
export * from './channels.module';
export * from './channels.errors';
