package io.lapse.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.lapse.impl.engine.EventKind;
import io.lapse.impl.engine.TableListener;

/** A table listener that records the keys of every event, by kind, and may act on each. */
final class Events implements TableListener {

    private final Map<EventKind, List<String>> keys = new ConcurrentHashMap<>();
    /** Called on the reporting thread for each entry event; may block it. */
    volatile Consumer<EventKind> hook = kind -> { };
    /** What {@link #undeliveredSince} says: as if an expiry of that deadline waited for its handlers. */
    volatile long undeliveredSince = Long.MAX_VALUE;

    @Override
    public boolean wants(EventKind kind) {
        return true;
    }

    @Override
    public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
        keys.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(key);
        hook.accept(kind);
    }

    @Override
    public void table(EventKind kind, String cache, long count) {
        keys.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add("(" + count + ")");
    }

    @Override
    public long undeliveredSince() {
        return undeliveredSince;
    }

    /** @return the keys of events of a kind, in the order they came */
    List<String> of(EventKind kind) {
        return keys.getOrDefault(kind, List.of());
    }
}
