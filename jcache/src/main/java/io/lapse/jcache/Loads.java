package io.lapse.jcache;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The thread of a cache's {@code loadAll} calls, which JCache runs in the background:
 * {@code lapse-jcache-load-<cache>}, started by the first load, ended after a minute with nothing
 * to do, stopped by {@link #close()}: loads already asked for still run, on a closed cache, so
 * that each calls its completion listener (with the cache's {@link IllegalStateException}). Thread-safe.
 */
final class Loads {

    private final ThreadPoolExecutor executor;

    Loads(String cache) {
        this.executor = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread t = new Thread(task, "lapse-jcache-load-" + cache);
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Runs a load in the background.
     *
     * @throws IllegalStateException if the cache closed
     */
    void run(Runnable load) {
        try {
            executor.execute(load);
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the cache closed: the load was not started", e);
        }
    }

    void close() {
        executor.shutdown();
    }
}
