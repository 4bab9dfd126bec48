package io.lapse.example;

import java.time.Instant;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.lapse.cache.CacheEvents;

/**
 * Logs one line for every cache entry that expires: what a Kamailio {@code event_route} on
 * htable's expired event does with {@code xlog}. Copy it to react to expiries your own way.
 *
 * <p>How it works: a Declarative Services component registered as an {@link EventHandler} for
 * the topic {@code cache/expired}. Lapse posts that event once per expired entry, after every
 * lock is released, so a handler may read and write the cache, the same key included. To hear
 * one cache only, add {@code event.filter=(cache.name=sessions)} to the component's properties;
 * to hear every topic, subscribe to {@code cache/*}.
 *
 * <p>It logs through the JDK's {@link System.Logger}: the Lapse distribution prints it on the
 * console ({@code conf/logging.properties}), and Karaf's logging takes it into its log.
 *
 * <p>EventAdmin delivers events to a handler one at a time; this class keeps no state.
 */
@Component(property = EventConstants.EVENT_TOPIC + "=" + CacheEvents.TOPIC_EXPIRED)
public final class ExpiryLogger implements EventHandler {

    private final System.Logger log = System.getLogger(ExpiryLogger.class.getName());

    @Override
    public void handleEvent(Event event) {
        log.log(System.Logger.Level.INFO, () -> describe(event));
    }

    /**
     * The line logged for an event: {@code expired: cache 'sessions' key 'u1' value 'alice'
     * deadline 2026-01-01T10:00:00Z}.
     *
     * @param event a {@code cache/expired} event
     * @return the line
     */
    static String describe(Event event) {
        Object deadline = event.getProperty(CacheEvents.CACHE_EXPIRES);
        return "expired: cache '" + event.getProperty(CacheEvents.CACHE_NAME)
            + "' key '" + event.getProperty(CacheEvents.CACHE_KEY)
            + "' value " + show(event.getProperty(CacheEvents.CACHE_VALUE))
            + (deadline instanceof Long ? " deadline " + Instant.ofEpochMilli((Long) deadline) : "");
    }

    /** A value as the log shows it: a String quoted, a Long as is, a byte[] by its length. */
    private static String show(Object value) {
        if (value instanceof byte[]) {
            return ((byte[]) value).length + " bytes";
        }
        return value instanceof String ? "'" + value + "'" : String.valueOf(value);
    }
}
