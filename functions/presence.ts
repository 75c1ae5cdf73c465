/**
 * Routes `typing`, `set_status`, `get_presence` and `ping`: one function for all four.
 * They share every import (the presence core and the Redis presence cache) and none is a
 * write to the record, so one bundle costs no extra bytes; and `ping`, which every idle
 * client sends every 2 minutes, keeps the container warm for the typing frames that
 * follow, so a conversation's first `typing` seldom pays a cold start.
 */
import { getPresence, ping, setStatus } from './core/actions/presence-actions.js';
import { typing } from './core/actions/typing.js';
import { lambdaWiring } from './runtime/lambda-wiring.js';
import { messageRoutes } from './runtime/message-route.js';

export const makePresenceHandler = messageRoutes(
  { typing, set_status: setStatus, get_presence: getPresence, ping },
  // Typing reads the room and takes its throttle in the rate limiter's round trip.
  { typing: { awaitsAdmission: true } },
);

/** On Lambda: the container's runtime, made from the environment on first use. */
export const handler = makePresenceHandler(lambdaWiring());
