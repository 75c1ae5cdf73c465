/**
 * Preloaded (`--import`) into the dev server the fault and fuzz runs start: SIGUSR2 runs a
 * full garbage collection (with `--expose-gc`) and prints one line with the heap and RSS
 * (read by faults/dev-child.ts), so a figure is what the process holds, not garbage V8
 * had not collected yet.
 */
const collect = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => {
  collect?.();
  const { heapUsed, rss } = process.memoryUsage();
  console.log(`[memory] ${JSON.stringify({ heapUsed, rss })}`);
});
