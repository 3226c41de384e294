import { createMemoryStore } from '@vendorkit/core';
import { createRedisStore } from '../src/index.js';
import { describeWithRedis, useRedisServer } from './redis-server.js';
import { storeContract } from './store-contract.js';

storeContract('createMemoryStore', async () => ({ store: createMemoryStore() }));

describeWithRedis('redis', () => {
  const server = useRedisServer();
  storeContract('createRedisStore({ url })', async () => {
    const store = createRedisStore({ url: server().url });
    return { store, close: () => store.close() };
  });
});
