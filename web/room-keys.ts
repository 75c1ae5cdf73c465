/**
 * End-to-end encryption as the page needs it from the SDK (client/crypto.ts): whether a
 * message is still ciphertext, and a room key from a passphrase, set on the client, which
 * then encrypts the room's sends and uploads and decrypts what it hands out.
 */
import { deriveRoomKey, isCiphertext, type ParleyClient } from '../client/index.js';

export interface RoomKeys {
  isCiphertext(content: string): boolean;
  deriveRoomKey(passphrase: string, roomId: string): Promise<CryptoKey>;
  setRoomKey(roomId: string, key: CryptoKey): void | Promise<void>;
}

/** The SDK's encryption for `client`: the one place the page is wired to client/crypto.ts. */
export function roomKeys(client: ParleyClient): RoomKeys {
  return {
    isCiphertext,
    deriveRoomKey,
    setRoomKey: (roomId, key) => client.setRoomKey(roomId, key),
  };
}
