/** The RoomCache contract on the in-process stand-in the dev server (and a run without Redis) uses. */
import { MemoryRoomCache } from '../../../../functions/stores/memory/room-cache.js';
import { roomCacheContract } from '../../core/ports/room-cache.contract.js';

roomCacheContract(
  'in-memory stand-in',
  async (window) => [new MemoryRoomCache(window), async () => {}],
  async (cache) => (cache as MemoryRoomCache).flush(),
);
