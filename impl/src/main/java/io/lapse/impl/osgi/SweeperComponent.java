package io.lapse.impl.osgi;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.LoggerFactory;

import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.Sweeper;
import io.lapse.impl.engine.TimeSource;

/**
 * Owns the expiry sweeps: the {@link Sweeper} threads (named {@code lapse-sweeper-N}), started in
 * {@link #activate} without waiting for them and stopped and joined in {@link #deactivate}, and
 * the {@link TimeSource} every cache reads.
 *
 * <p>It has no configuration of its own, so nothing short of stopping the bundle deactivates it
 * and with it the caches; {@link SweeperSettingsComponent} applies the {@code io.lapse.sweeper}
 * configuration to it live.
 */
@Component(service = Sweeps.class)
public final class SweeperComponent implements Sweeps {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    private volatile LoggerFactory loggers;

    private final ComponentLog log = new ComponentLog(() -> loggers, SweeperComponent.class);
    private final TimeSource time = new TimeSource(Clock.system());
    private final Sweeper sweeper = new Sweeper(time, "lapse-sweeper-",
        (table, e) -> log.error("The sweep of " + table + " failed; the sweeps go on", e));

    @Activate
    void activate() {
        sweeper.configure(SweeperProperties.DEFAULT_THREADS, SweeperProperties.DEFAULT_RESOLUTION_MILLIS);
        sweeper.start();
    }

    @Deactivate
    void deactivate() {
        sweeper.close();
    }

    @Override
    public TimeSource time() {
        return time;
    }

    @Override
    public void configure(int threads, long resolutionMillis) {
        sweeper.configure(threads, resolutionMillis);
    }

    @Override
    public void add(CacheTable table) {
        sweeper.add(table);
    }

    @Override
    public void remove(CacheTable table) {
        sweeper.remove(table);
    }
}
