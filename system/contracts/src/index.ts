export * from './http.ts';
export * from './orderEvent.ts';
export * from './redisKeys.ts';
export * from './schema.ts';
export * from './waitingRoom.ts';
export * from './validId.ts';
