package io.lapse.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread of reads and writes, alternating, over Zipfian keys of {@link ZipfKeys}, beside the
 * expiries being measured: the "loaded" case of section C. The keys never expire.
 */
final class BackgroundLoad implements AutoCloseable {

    private final Thread thread;
    private final AtomicLong operations = new AtomicLong();
    private final long startNanos = System.nanoTime();
    private volatile boolean stop;
    private volatile long stopNanos;

    BackgroundLoad(Subject.Store target, ZipfKeys keys) {
        for (int i = 0; i < keys.keys.length; i++) {
            target.put(keys.keys[i], keys.values[i]);
        }
        thread = new Thread(() -> {
            String[] sequence = keys.sequence;
            long done = 0;
            int i = 0;
            while (!stop) {
                String key = sequence[i++ & ZipfKeys.MASK];
                if ((i & 1) == 0) {
                    target.get(key);
                } else {
                    target.put(key, "load");
                }
                if ((++done & 1023) == 0) {
                    operations.addAndGet(1024);
                }
            }
        }, "bench-load");
        thread.setDaemon(true);
        thread.start();
    }

    /** Reads and writes per second since the load started, until it was closed. */
    double opsPerSecond() {
        long end = stop ? stopNanos : System.nanoTime();
        return operations.get() / ((end - startNanos) / 1e9);
    }

    @Override
    public void close() throws InterruptedException {
        stopNanos = System.nanoTime();
        stop = true;
        thread.join();
    }
}
