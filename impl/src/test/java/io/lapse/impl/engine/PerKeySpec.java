package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a table does when its operations run one at a time: the sequential specification of
 * {@link PerKeyModel}, written from the README ("Using a cache", "Expiry") and the {@code Cache}
 * javadoc, with the settings of the model: {@code autoexpire} {@link PerKeyModel#AUTOEXPIRE},
 * {@code updateexpire} on, {@code initval} unset, and {@code idleexpire} off or
 * {@link PerKeyModel.Idle#IDLE}.
 *
 * <ul>
 * <li>A deadline is the clock at the write plus the TTL (the call's, or {@code autoexpire} for a
 * write without one: increment, compute); a TTL of 0 never expires. A rewrite restarts it
 * ({@code updateexpire}).</li>
 * <li>With idle expiry the effective deadline is {@code min(writeDeadline, lastAccess + idle)},
 * where a get or a write is an access; a putIfAbsent that finds a live entry, a count or a match
 * is not.</li>
 * <li>From its deadline on an entry is invisible.</li>
 * <li>remove, a compute returning {@code null} and a match report a live entry REMOVED, and
 * nothing else reports anything REMOVED. (Who reports an expiry is not modelled: see
 * {@link PerKeyModel}.)</li>
 * <li>increment of a missing key starts from 0.</li>
 * </ul>
 * Events carry the entry's value and effective deadline, in clock units from the start.
 */
public abstract class PerKeySpec {

    private static final class Entry {
        long value;
        long writeDeadline;
        long deadline;
    }

    private final long idle;
    private final TreeMap<String, Entry> entries = new TreeMap<>();
    private final List<String> raised = new ArrayList<>();
    private long now;

    PerKeySpec(long idle) {
        this.idle = idle;
    }

    private static long deadline(long ttl, long now) {
        return ttl == 0 ? Node.NEVER : now + ttl;
    }

    /** The live entry of a key; an expired one is taken out (its report is not modelled). */
    private Entry take(String key) {
        Entry e = entries.get(key);
        if (e != null && e.deadline <= now) {
            entries.remove(key);
            return null;
        }
        return e;
    }

    private void write(String key, Entry existing, long value, long ttl) {
        Entry e = existing == null ? new Entry() : existing;
        e.value = value;
        deadlines(e, ttl);
        entries.put(key, e);
    }

    private void deadlines(Entry e, long ttl) {
        e.writeDeadline = deadline(ttl, now);
        e.deadline = idle > 0 ? Math.min(e.writeDeadline, now + idle) : e.writeDeadline;
    }

    private String done(Object result) {
        String s = PerKeyModel.outcome(result, raised);
        raised.clear();
        return s;
    }

    public Object get(int key) {
        Entry e = entries.get(PerKeyModel.KEYS[key]);
        if (e == null || e.deadline <= now) {
            return null;
        }
        if (idle > 0) {
            e.deadline = Math.max(e.deadline, Math.min(e.writeDeadline, now + idle));
        }
        return e.value;
    }

    public String put(int key, int value, int ttl) {
        String k = PerKeyModel.KEYS[key];
        write(k, take(k), value, ttl);
        return done("put");
    }

    public String putIfAbsent(int key, int value, int ttl) {
        String k = PerKeyModel.KEYS[key];
        Entry e = take(k);
        if (e != null) {
            return done(e.value);
        }
        write(k, null, value, ttl);
        return done(null);
    }

    public String remove(int key) {
        String k = PerKeyModel.KEYS[key];
        Entry e = take(k);
        if (e == null) {
            return done(null);
        }
        entries.remove(k);
        raised.add(PerKeyModel.event(EventKind.REMOVED, k, e.value, e.deadline));
        return done(e.value);
    }

    public String increment(int key) {
        String k = PerKeyModel.KEYS[key];
        Entry e = take(k);
        long result = (e == null ? 0 : e.value) + 1;
        write(k, e, result, PerKeyModel.AUTOEXPIRE);
        return done(result);
    }

    public String setTtl(int key, int ttl) {
        Entry e = take(PerKeyModel.KEYS[key]);
        if (e == null) {
            return done(false);
        }
        deadlines(e, ttl);
        return done(true);
    }

    public String compute(int key, int value) {
        String k = PerKeyModel.KEYS[key];
        Entry e = take(k);
        if (e != null && e.value == value) {
            entries.remove(k);
            raised.add(PerKeyModel.event(EventKind.REMOVED, k, e.value, e.deadline));
            return done(null);
        }
        write(k, e, value, PerKeyModel.AUTOEXPIRE);
        return done((long) value);
    }

    /** Takes out every expired entry of the slot (reporting it) and every live one that matches. */
    public String removeKeys(int prefix) {
        String p = PerKeyModel.PREFIXES[prefix];
        long removed = 0;
        for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext();) {
            // read before removing: TreeMap's iterator may reuse the entry object for the successor
            Map.Entry<String, Entry> me = it.next();
            String key = me.getKey();
            Entry e = me.getValue();
            if (e.deadline <= now) {
                it.remove();
            } else if (key.startsWith(p)) {
                it.remove();
                removed++;
                raised.add(PerKeyModel.event(EventKind.REMOVED, key, e.value, e.deadline));
            }
        }
        return done(removed);
    }

    public long countKeys(int prefix) {
        String p = PerKeyModel.PREFIXES[prefix];
        long n = 0;
        for (Map.Entry<String, Entry> me : entries.entrySet()) {
            if (me.getValue().deadline > now && me.getKey().startsWith(p)) {
                n++;
            }
        }
        return n;
    }

    public void advance(int millis) {
        now += millis;
    }

    /** The specification of {@link PerKeyModel.Plain}. */
    public static final class Plain extends PerKeySpec {
        public Plain() {
            super(0);
        }
    }

    /** The specification of {@link PerKeyModel.Idle}. */
    public static final class Idle extends PerKeySpec {
        public Idle() {
            super(PerKeyModel.Idle.IDLE);
        }
    }
}
