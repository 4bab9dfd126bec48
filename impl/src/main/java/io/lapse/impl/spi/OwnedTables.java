package io.lapse.impl.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.lapse.cache.Cache;
import io.lapse.cache.spi.CacheFactory;
import io.lapse.cache.spi.ExpiryListener;
import io.lapse.cache.spi.OwnedCache;
import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.EventKind;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;

/**
 * The caches a {@link CacheFactory} made and has not seen closed, and the making of them: plain
 * Java, so that the OSGi component and the class path's factory share it.
 *
 * <p>Concurrency: this object's monitor guards the set of open caches and the stopped flag, so
 * that a cache made while the factory stops is either closed by the stop or refused. A table is
 * closed outside the monitor (its close reports the entries due then, to their owner's
 * listener, which may call back).
 */
public final class OwnedTables implements CacheFactory {

    /** Where tables join and leave the expiry sweeps. */
    public interface Sweeps {
        void join(CacheTable table);

        void leave(CacheTable table);
    }

    static final int MAX_NAME_LENGTH = 256;
    private static final CacheSettings SETTINGS = new CacheSettings(8, 0, false, 0, null).withStatistics(true);

    private final TimeSource time;
    private final Sweeps sweeps;
    private final List<Owned> open = new ArrayList<>();
    private boolean stopped;

    public OwnedTables(TimeSource time, Sweeps sweeps) {
        this.time = time;
        this.sweeps = sweeps;
    }

    @Override
    public OwnedCache create(String name, ExpiryListener expired) {
        Objects.requireNonNull(name, "cache name is null");
        Objects.requireNonNull(expired, "cache '" + name + "': expiry listener is null");
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("cache name of " + name.length() + " characters: a cache made in code "
                + "has a name of 1 to " + MAX_NAME_LENGTH);
        }
        Owned made = new Owned(new CacheTable(name, SETTINGS, time, new ExpiriesTo(expired)));
        synchronized (this) {
            if (stopped) {
                throw new IllegalStateException("cache '" + name + "' cannot be made: Lapse's cache factory has stopped");
            }
            open.add(made);
            sweeps.join(made.table);
        }
        return made;
    }

    /** Returns how many caches are open. */
    synchronized int openCount() {
        return open.size();
    }

    /** Closes every open cache and refuses to make more. */
    public void stop() {
        List<Owned> all;
        synchronized (this) {
            stopped = true;
            all = new ArrayList<>(open);
        }
        all.forEach(Owned::close);
    }

    private final class Owned implements OwnedCache {
        final CacheTable table;

        Owned(CacheTable table) {
            this.table = table;
        }

        @Override
        public Cache cache() {
            return table.cache();
        }

        @Override
        public boolean isClosed() {
            return table.isClosed();
        }

        @Override
        public void close() {
            synchronized (OwnedTables.this) {
                if (!open.remove(this)) {
                    return;
                }
                sweeps.leave(table);
            }
            table.close();
        }

        @Override
        public String toString() {
            return table.toString();
        }
    }

    /** Hands a table's expiries to the owner's listener; wants nothing else. */
    private static final class ExpiriesTo implements TableListener {
        private final ExpiryListener listener;

        ExpiriesTo(ExpiryListener listener) {
            this.listener = listener;
        }

        @Override
        public boolean wants(EventKind kind) {
            return kind == EventKind.EXPIRED;
        }

        @Override
        public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
            if (kind == EventKind.EXPIRED) {
                listener.expired(key, value instanceof byte[] ? ((byte[]) value).clone() : value, expiresAtMillis);
            }
        }

        @Override
        public void table(EventKind kind, String cache, long count) {
        }
    }
}
