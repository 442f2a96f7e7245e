export { loadConfig, type Config } from './config/loadConfig.ts';
export { ConfigError } from './config/ConfigError.ts';
export { buildApp, type BuiltApp } from './buildApp.ts';
export { startApi, type StartedApi } from './startApi.ts';
export { StartupError } from './StartupError.ts';
export { staticWaitingRoomPage, waitingRoomCsp } from './waitingRoom/waitingRoomPage.ts';
export { SaleGate } from './redis/SaleGate.ts';
export { ReplicaWait } from './redis/ReplicaWait.ts';
