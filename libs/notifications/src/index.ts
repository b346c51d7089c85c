export * from './channels.js';
export * from './inbox.channel.js';
export * from './notice-bus.js';
export * from './notice-hub.js';
export * from './notices.js';
export * from './notices.service.js';
export * from './notifications.module.js';
