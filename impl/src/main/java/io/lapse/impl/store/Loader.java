package io.lapse.impl.store;

import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * The thread that loads a store's table when its cache starts, {@code lapse-load-<cache>}, so that
 * the cache's activation never waits for a database.
 *
 * <p>Whatever the load throws, an {@link Error} included, is logged once, naming the owner (the
 * configuration), the database, the table and the cause, and the cache comes up empty: the
 * store's write-back stays suspended, as it is from construction until a load completes, so the
 * empty cache never replaces the table's rows. An {@code OutOfMemoryError} or another
 * {@link VirtualMachineError} is not rethrown: this thread ends right after, the error is in the
 * log with its stack trace, and the JVM's own policies ({@code -XX:+ExitOnOutOfMemoryError},
 * heap dumps) act when an error is thrown, not when it is caught; rethrowing it would only leave
 * the cache unregistered for good, where an empty cache can be reloaded once the cause is fixed.
 *
 * <p>Thread safety: {@link #start()} once, then {@link #stop(Duration)} from any thread.
 */
public final class Loader {

    private final TableStore store;
    private final StoreLog log;
    private final String owner;
    private final LongConsumer whenDone;
    private final Thread thread;

    /**
     * Makes the thread; nothing runs until {@link #start()}.
     *
     * @param store the store to load
     * @param log where a failure is reported
     * @param owner who loads, for messages, e.g. {@code Cache configuration io.lapse.cache~x}
     * @param whenDone called on the thread when the load is over, with the count loaded or -1 if
     *     it failed or was stopped
     */
    public Loader(TableStore store, StoreLog log, String owner, LongConsumer whenDone) {
        this.store = store;
        this.log = log;
        this.owner = owner;
        this.whenDone = whenDone;
        this.thread = new Thread(this::run, "lapse-load-" + store.cache());
        thread.setDaemon(true);
    }

    /** Starts the load. */
    public void start() {
        thread.start();
    }

    private void run() {
        long count = -1;
        try {
            count = store.load(false);
        } catch (Throwable e) {
            failed(e);
        }
        whenDone.accept(count);
    }

    private void failed(Throwable e) {
        String outcome = "; the cache comes up empty, and it will not write back until a reload succeeds";
        if (store.cancelled()) {
            log.info(owner + ": the load of cache '" + store.cache() + "' was stopped before it completed, so it "
                + "changed nothing");
        } else if (e instanceof IllegalStateException) {
            // the store's own message names the cache, the database, the table and the cause
            log.error(owner + ": " + e.getMessage() + outcome, null);
        } else {
            log.error(owner + ": the load of cache '" + store.cache() + "' from " + store.describe() + " failed with "
                + e + outcome, e);
        }
    }

    /**
     * Stops the load: the store is cancelled (its statement too, if one runs), the thread
     * interrupted and waited for at most {@code wait}. A thread still running then is stuck in
     * the database: it is left to end by itself, with a warning; it changes nothing, and closes
     * its connection when the database answers.
     *
     * @param wait how long to wait for the thread
     * @return whether the thread has ended
     */
    public boolean stop(Duration wait) {
        store.cancel();
        thread.interrupt();
        boolean interrupted = false;
        try {
            thread.join(Math.max(1, wait.toMillis()));
        } catch (InterruptedException e) {
            interrupted = true;
        }
        boolean ended = !thread.isAlive();
        if (!ended) {
            log.warn(owner + ": gave up waiting for the load of cache '" + store.cache() + "' from " + store.describe()
                + " after " + wait.toMillis() + " ms: it is stuck in the database; it will change nothing, and "
                + "closes its connection when the database answers");
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return ended;
    }
}
