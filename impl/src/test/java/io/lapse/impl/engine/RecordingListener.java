package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** Records what a table reports; optionally runs a hook on each entry event. */
final class RecordingListener implements TableListener {

    /** One reported event. */
    static final class Event {
        final EventKind kind;
        final String key;
        final Object value;
        final long expiresAt;
        final long count;
        final String group;
        final String thread = Thread.currentThread().getName();

        Event(EventKind kind, String key, Object value, long expiresAt, long count, String group) {
            this.kind = kind;
            this.key = key;
            this.value = value;
            this.expiresAt = expiresAt;
            this.count = count;
            this.group = group;
        }

        @Override
        public String toString() {
            return kind + " " + key + "=" + value + " @" + expiresAt + " #" + count + (group == null ? "" : " in " + group);
        }
    }

    final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    private final Set<EventKind> wanted;
    volatile Consumer<Event> hook = e -> { };
    /** What {@link #undeliveredSince} says: as if an expiry of that deadline waited for its handlers. */
    volatile long undeliveredSince = Long.MAX_VALUE;

    RecordingListener() {
        this(EnumSet.allOf(EventKind.class));
    }

    RecordingListener(Set<EventKind> wanted) {
        this.wanted = wanted;
    }

    @Override
    public boolean wants(EventKind kind) {
        return wanted.contains(kind);
    }

    @Override
    public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
        entry(kind, cache, key, value, expiresAtMillis, null);
    }

    @Override
    public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis, String group) {
        Event e = new Event(kind, key, value, expiresAtMillis, 0, group);
        events.add(e);
        hook.accept(e);
    }

    @Override
    public void table(EventKind kind, String cache, long count) {
        events.add(new Event(kind, null, null, 0, count, null));
    }

    List<Event> of(EventKind kind) {
        return events.stream().filter(e -> e.kind == kind).collect(Collectors.toCollection(ArrayList::new));
    }

    List<String> keys(EventKind kind) {
        return of(kind).stream().map(e -> e.key).sorted().collect(Collectors.toList());
    }

    @Override
    public long undeliveredSince() {
        return undeliveredSince;
    }
}
