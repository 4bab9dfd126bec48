package io.lapse.impl.osgi;

import java.util.HashMap;
import java.util.Map;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;

import io.lapse.cache.CacheEvents;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.EventKind;
import io.lapse.impl.engine.TableListener;

/**
 * Turns one cache's reports into EventAdmin events, with the properties of
 * {@link CacheEvents}. Builds nothing for a topic no handler subscribes to; counts every event
 * posted, and every event that had a subscriber but no EventAdmin to take it, in the cache's
 * statistics. Called by the cache only after its locks are released.
 *
 * <p>Thread safety: stateless apart from the cache name, which a rename replaces atomically.
 */
final class EventPublisher implements TableListener {

    private final EventBridge bridge;
    private volatile String name;
    private volatile CacheTable table;

    EventPublisher(String name, EventBridge bridge) {
        this.name = name;
        this.bridge = bridge;
    }

    /** Connects the table whose counters record what was posted; before its first report. */
    void bind(CacheTable table) {
        this.table = table;
    }

    void rename(String newName) {
        name = newName;
    }

    @Override
    public boolean wants(EventKind kind) {
        return bridge.subscribed(kind);
    }

    @Override
    public void entry(EventKind kind, String key, Object value, long expiresAtMillis) {
        Map<String, Object> properties = properties();
        properties.put(CacheEvents.CACHE_KEY, key);
        properties.put(CacheEvents.CACHE_VALUE, value instanceof byte[] ? ((byte[]) value).clone() : value);
        if (expiresAtMillis != 0) {
            properties.put(CacheEvents.CACHE_EXPIRES, expiresAtMillis);
        }
        post(kind, properties);
    }

    @Override
    public void table(EventKind kind, long count) {
        Map<String, Object> properties = properties();
        if (kind != EventKind.CREATED) {
            properties.put(CacheEvents.CACHE_COUNT, count);
        }
        post(kind, properties);
    }

    private Map<String, Object> properties() {
        Map<String, Object> properties = new HashMap<>(8);
        properties.put(CacheEvents.CACHE_NAME, name);
        properties.put(EventConstants.TIMESTAMP, System.currentTimeMillis());
        return properties;
    }

    private void post(EventKind kind, Map<String, Object> properties) {
        boolean posted = bridge.post(new Event(EventBridge.topic(kind), properties));
        CacheTable t = table;
        if (t != null) {
            if (posted) {
                t.eventPosted();
            } else {
                t.eventDropped();
            }
        }
    }
}
