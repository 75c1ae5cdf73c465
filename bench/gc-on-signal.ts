/**
 * Preloaded (`--import`) into every server the benchmark starts, Parley and the peer alike:
 * SIGUSR2 runs a full garbage collection. Memory is read after one, so a figure is what the
 * connections hold, not the garbage their handshakes left that V8 had not collected yet.
 * Needs `--expose-gc`; without it the signal does nothing.
 */
const collect = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => collect?.());
