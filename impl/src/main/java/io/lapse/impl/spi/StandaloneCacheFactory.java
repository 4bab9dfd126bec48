package io.lapse.impl.spi;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.lapse.cache.spi.CacheFactory;
import io.lapse.cache.spi.ExpiryListener;
import io.lapse.cache.spi.OwnedCache;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.Sweeper;
import io.lapse.impl.engine.TimeSource;

/**
 * The {@link CacheFactory} of a plain class path, found by {@link java.util.ServiceLoader}: its
 * caches share one sweeper (daemon threads {@code lapse-standalone-sweeper-*}, one worker, the
 * default resolution of 10 ms), started when the first cache opens and stopped when the last one
 * closes, so that a class path with no open cache runs no thread of Lapse's.
 *
 * <p>Thread-safe; the sweeper is started and stopped under this object's monitor.
 */
public final class StandaloneCacheFactory implements CacheFactory {

    private static final Logger LOG = Logger.getLogger(StandaloneCacheFactory.class.getName());
    private static final long RESOLUTION_MILLIS = 10;

    private final TimeSource time = new TimeSource(Clock.system());
    private final Sweeper sweeper = new Sweeper(time, "lapse-standalone-sweeper-",
        (table, e) -> LOG.log(Level.SEVERE, "The sweep of " + table + " failed; the sweeps go on", e));
    private final OwnedTables tables = new OwnedTables(time, new OwnedTables.Sweeps() {
        @Override
        public void join(CacheTable table) {
            synchronized (StandaloneCacheFactory.this) {
                sweeper.add(table);
                sweeper.start();
            }
        }

        @Override
        public void leave(CacheTable table) {
            synchronized (StandaloneCacheFactory.this) {
                sweeper.remove(table);
                if (tables.openCount() == 0) {
                    sweeper.close();
                }
            }
        }
    });

    /** Makes a factory; it runs no thread until its first cache opens. */
    public StandaloneCacheFactory() {
        sweeper.configure(1, RESOLUTION_MILLIS);
    }

    @Override
    public OwnedCache create(String name, ExpiryListener expired) {
        return tables.create(name, expired);
    }
}
