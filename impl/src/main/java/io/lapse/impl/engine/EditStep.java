package io.lapse.impl.engine;

import java.time.Duration;
import java.util.function.Function;

import io.lapse.cache.EntryEditor;

/**
 * An edit ({@link io.lapse.cache.Cache#edit}): a step that reads a key's entry and asks for one
 * change, run under the key's slot lock as the decision of one single-key write, so that reading
 * and changing are one step of the table. The thread is marked as inside a compute function of the
 * table while the step runs, so that the writes it tries are refused, as for a compute.
 *
 * <p>The editor belongs to the writing thread and lives only while the step runs; it is closed
 * before the decision is returned, so that a step that keeps it cannot use it later.
 */
final class EditStep implements EntryEditor {

    private final CacheTable table;
    private final String key;
    private final Node live;
    private final long now;
    private final CacheSettings settings;
    private Change change;
    private boolean open = true;

    private EditStep(CacheTable table, String key, Node live, long now, CacheSettings settings) {
        this.table = table;
        this.key = key;
        this.live = live;
        this.now = now;
        this.settings = settings;
        this.change = Change.none(null);
    }

    /**
     * Runs an edit.
     *
     * @return what the step returned
     */
    @SuppressWarnings("unchecked")
    static <R> R run(CacheTable table, String key, Function<? super EntryEditor, ? extends R> step) {
        String name = table.name();
        Values.checkKey(name, key);
        if (step == null) {
            throw new NullPointerException("cache '" + name + "': edit step is null");
        }
        Object[] returned = new Object[1];
        table.writeKey(key, (n, now, st) -> {
            EditStep editor = new EditStep(table, key, n, now, st);
            table.enterCompute();
            try {
                returned[0] = step.apply(editor);
            } finally {
                table.leaveCompute();
                editor.open = false;
            }
            return editor.change;
        });
        return (R) returned[0];
    }

    @Override
    public String key() {
        checkOpen();
        return key;
    }

    @Override
    public boolean exists() {
        checkOpen();
        return live != null;
    }

    @Override
    public Object value() {
        checkOpen();
        return live == null ? null : live.exportValue();
    }

    @Override
    public long expiresAtMillis() {
        checkOpen();
        return live == null ? 0L : table.time.toEpochMillis(live.deadline());
    }

    @Override
    public void put(Object value) {
        checkOpen();
        putAt(value, Deadlines.forWrite(live, Deadlines.DEFAULT, now, settings));
    }

    @Override
    public void put(Object value, Duration ttl) {
        checkOpen();
        putAt(value, Deadlines.forWrite(live, Values.ttlMillis(table.name(), ttl), now, settings));
    }

    @Override
    public void putKeepingDeadline(Object value) {
        checkOpen();
        putAt(value, live != null ? live.writeDeadline() : Deadlines.forWrite(null, Deadlines.DEFAULT, now, settings));
    }

    @Override
    public void setTtl(Duration ttl) {
        checkOpen();
        long ttlMillis = Values.ttlMillis(table.name(), ttl);
        change = Change.ttl(liveOrRefuse("set the TTL of").value(), Deadlines.after(ttlMillis, now), null);
    }

    @Override
    public void expireNow() {
        checkOpen();
        change = Change.ttl(liveOrRefuse("expire").value(), now, null);
    }

    @Override
    public void remove() {
        checkOpen();
        change = live == null ? Change.none(null) : Change.remove(null);
    }

    /** Asks for a put of a value, checked and weighed as any put's, with a deadline. */
    private void putAt(Object value, long deadline) {
        Object stored = Values.store(table.name(), key, value, settings.limits.maxItemSize);
        change = Change.put(stored, settings.limits.admit(table.name(), key, stored, settings.idleMillis > 0), deadline,
            null);
    }

    private Node liveOrRefuse(String what) {
        if (live == null) {
            throw new IllegalStateException("cache '" + table.name() + "': cannot " + what + " key '"
                + Values.shown(key) + "', which has no live entry");
        }
        return live;
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException("cache '" + table.name() + "': the editor of key '" + Values.shown(key)
                + "' was used after its edit step returned");
        }
    }
}
