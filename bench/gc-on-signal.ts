/**
 * Preloaded (`--import`) into every server the benchmark starts, Parley and the peer alike:
 * SIGUSR2 runs a full garbage collection and prints `bench-heap <used> <total>` (V8 heap,
 * bytes) on stderr. Memory is read after one, so a figure is what the connections hold, not
 * the garbage their handshakes left that V8 had not collected yet. Needs `--expose-gc`;
 * without it the heap is read uncollected.
 */
const collect = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => {
  collect?.();
  const { heapUsed, heapTotal } = process.memoryUsage();
  process.stderr.write(`bench-heap ${heapUsed} ${heapTotal}\n`);
});
