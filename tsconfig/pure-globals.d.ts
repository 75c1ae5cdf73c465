/**
 * The host globals the pure core may use, for its type check only (tsconfig/core.json):
 * timers, which every runtime Parley runs on provides and which do no I/O. The core's own
 * config has neither Node's types nor the DOM's, so anything else (process, Buffer,
 * fetch, WebSocket) fails to compile there.
 */

interface PureTimer {
  readonly pureTimer: true;
}

declare function setTimeout(callback: (...args: never[]) => void, ms?: number): PureTimer;
declare function clearTimeout(timer: PureTimer | undefined): void;
