package io.lapse.impl.osgi;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;

import io.lapse.cache.CacheEvents;
import io.lapse.impl.engine.EventKind;
import io.lapse.impl.engine.TableListener;

/**
 * Turns one cache's reports into EventAdmin events, with the properties of
 * {@link CacheEvents}. Builds nothing for a topic no handler subscribes to. A report is queued
 * ({@link EventQueue}, bounded) and delivered in order on an event thread of the
 * {@link EventBridge}, so neither the sweeper nor a writer ever waits for a handler, and one
 * cache's slow handler never holds up another cache's events. Counts every event delivered, and
 * every event that had a subscriber but was not delivered (backlog full, no EventAdmin, stopped);
 * the cache reads those counts for its statistics ({@link #delivered()}, {@link #undelivered()}).
 * Called by the cache only after its locks are released; the cache's name comes with each report.
 *
 * <p>Thread safety: reports may come from any thread; the queue and the counters are thread-safe.
 */
final class EventPublisher implements TableListener {

    /** Default of {@code event_backlog}: events of one cache waiting for their handlers. */
    static final int DEFAULT_BACKLOG_EVENTS = 1_000_000;
    /** Default of {@code event_backlog_bytes}, as configured: 256 MiB of keys and values waiting. */
    static final String DEFAULT_BACKLOG_BYTES_TEXT = "256MiB";
    /** {@link #DEFAULT_BACKLOG_BYTES_TEXT} in bytes. */
    static final long DEFAULT_BACKLOG_BYTES = ByteSizes.parse(DEFAULT_BACKLOG_BYTES_TEXT);
    /** What a queued report costs beside its key and value, for the byte bound. */
    private static final long OVERHEAD = 64;

    /** A report waiting for delivery: what its event will carry. */
    static final class Pending {
        final EventKind kind;
        final String cache;
        final String key;
        final Object value;
        final long expiresAtMillis;
        final long count;
        final String group;
        final long timestamp = System.currentTimeMillis();

        Pending(EventKind kind, String cache, String key, Object value, long expiresAtMillis, long count, String group) {
            this.kind = kind;
            this.cache = cache;
            this.key = key;
            this.value = value;
            this.expiresAtMillis = expiresAtMillis;
            this.count = count;
            this.group = group;
        }
    }

    private final EventBridge bridge;
    private final EventQueue<Pending> queue;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder undelivered = new LongAdder();

    EventPublisher(EventBridge bridge, int backlogEvents, long backlogBytes, ComponentLog log) {
        this.bridge = bridge;
        this.queue = new EventQueue<>(p -> p.cache,
            p -> p.kind == EventKind.EXPIRED ? p.expiresAtMillis : EventQueue.NO_MARK, backlogEvents, backlogBytes,
            bridge.executor(), this::deliver, p -> undelivered.increment(), log::warn);
    }

    @Override
    public boolean wants(EventKind kind) {
        return bridge.subscribed(kind);
    }

    @Override
    public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
        entry(kind, cache, key, value, expiresAtMillis, null);
    }

    @Override
    public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis, String group) {
        // the table's own value: a byte[] is copied once, as its event is built; a group's name is
        // shared by its entries, so it weighs nothing more here
        long weight = OVERHEAD + 2L * key.length() + (value instanceof String ? 2L * ((String) value).length()
            : value instanceof byte[] ? ((byte[]) value).length : 8);
        queue.offer(new Pending(kind, cache, key, value, expiresAtMillis, 0, group), weight);
    }

    @Override
    public void table(EventKind kind, String cache, long count) {
        queue.offer(new Pending(kind, cache, null, null, 0, count, null), OVERHEAD);
    }

    /** Builds a report's event and hands it to EventAdmin; on an event thread. */
    private boolean deliver(Pending p) {
        Map<String, Object> properties = new HashMap<>(8);
        properties.put(CacheEvents.CACHE_NAME, p.cache);
        properties.put(EventConstants.TIMESTAMP, p.timestamp);
        if (p.key != null) {
            properties.put(CacheEvents.CACHE_KEY, p.key);
            properties.put(CacheEvents.CACHE_VALUE, p.value instanceof byte[] ? ((byte[]) p.value).clone() : p.value);
            if (p.expiresAtMillis != 0) {
                properties.put(CacheEvents.CACHE_EXPIRES, p.expiresAtMillis);
            }
            if (p.group != null) {
                properties.put(CacheEvents.CACHE_GROUP, p.group);
            }
        } else if (p.kind != EventKind.CREATED) {
            properties.put(CacheEvents.CACHE_COUNT, p.count);
        }
        boolean sent = bridge.send(new Event(EventBridge.topic(p.kind), properties));
        if (sent) {
            delivered.increment();
        }
        return sent;
    }

    @Override
    public long delivered() {
        return delivered.sum();
    }

    /** The earliest deadline of an expiry waiting in the queue or being delivered. */
    @Override
    public long undeliveredSince() {
        return queue.oldestMark();
    }

    @Override
    public long undelivered() {
        return undelivered.sum();
    }

    @Override
    public void resetCounts() {
        delivered.reset();
        undelivered.reset();
    }

    /** Applies new bounds to the backlog; events already waiting stay. */
    void limits(int backlogEvents, long backlogBytes) {
        queue.limits(backlogEvents, backlogBytes);
    }

    /**
     * Stops taking reports, waits up to {@code timeoutMillis} for the waiting ones to be
     * delivered, and drops (and counts) the rest.
     *
     * @return how many were dropped here
     */
    long close(long timeoutMillis) {
        return queue.close(timeoutMillis);
    }

    /** @return how many reports wait for delivery */
    int backlog() {
        return queue.size();
    }
}
