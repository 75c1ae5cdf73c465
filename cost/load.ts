/**
 * The load a bill is for: how many people, how much they say, in rooms how big, and how
 * they behave. Everything the CLI's options set; the defaults are printed with the bill.
 */
import { DEFAULT_ROLLOVER_AFTER_MS } from '../client/rollover.js';
import { TYPING_RENEW_MS } from '../client/typing.js';

export interface Load {
  /** Users online, averaged over the month (each with `connectionsPerUser` open). */
  users: number;
  /** `send_message`s a day, all rooms together. */
  messagesPerDay: number;
  /** Members of a room, all online (every user is in `roomsPerUser` such rooms). */
  roomSize: number;
  roomsPerUser: number;
  connectionsPerUser: number;
  /** Seconds a user spends composing a message (0: nobody sends typing). */
  typingSeconds: number;
  /** How often a client repeats `typing start` while composing (the SDK's `renewMs`). */
  typingIntervalMs: number;
  /**
   * Clients replace each connection before API Gateway's 2-hour limit, opening the new one
   * first (the SDK's `rolloverAfterMs`), so the rooms hear no presence from it; false: they
   * reconnect after the close, an offline and an online to every room each time.
   */
  rollover: boolean;
  /** Share of a room's other members who see each message as it arrives, and mark it read. */
  liveReadShare: number;
  /** Hours of the day the messages fall in (how busy a room is, for coalesced marks). */
  activeHoursPerDay: number;
  /** Attachments uploaded a day (each also a message). */
  filesPerDay: number;
}

/** The defaults of everything but users, messages and room size. */
export const DEFAULT_BEHAVIOUR = {
  roomsPerUser: 3,
  connectionsPerUser: 1,
  typingSeconds: 6,
  typingIntervalMs: TYPING_RENEW_MS,
  rollover: DEFAULT_ROLLOVER_AFTER_MS > 0,
  liveReadShare: 0.1,
  activeHoursPerDay: 12,
  /** Per message: one in a hundred carries a file. */
  filesPerMessage: 0.01,
} as const;

/** A load from the three figures that matter most and the default behaviour. */
export function loadOf(
  users: number,
  messagesPerDay: number,
  roomSize: number,
  overrides: Partial<Load> = {},
): Load {
  const { filesPerMessage, ...behaviour } = DEFAULT_BEHAVIOUR;
  return {
    users,
    messagesPerDay,
    roomSize,
    ...behaviour,
    filesPerDay: Math.round(messagesPerDay * filesPerMessage),
    ...overrides,
  };
}

/** Rooms there are: every user in `roomsPerUser` rooms of `roomSize` members. */
export function roomCount(load: Load): number {
  return Math.max(1, (load.users * load.roomsPerUser) / load.roomSize);
}

/** Connections in one room. */
export function roomConnections(load: Load): number {
  return load.roomSize * load.connectionsPerUser;
}
