package io.lapse.itest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

/**
 * Every live entry of a cache as its MBean's {@code dump} pages show them: key, value type, value
 * text and deadline (epoch ms, 0 for none), sorted by key, for comparing what the nodes of a
 * cluster hold.
 *
 * <p>Deadlines are compared with a tolerance of {@value #DEADLINE_TOLERANCE_MILLIS} ms: a node
 * renders a deadline in epoch ms through its own estimate of the wall clock minus the monotonic
 * clock, which it refines as it runs, so the same deadline may read a millisecond or two apart on
 * two nodes, or on one node over time. Immutable.
 */
final class CacheContents {

    /** How far apart two renderings of the same deadline may be. */
    static final long DEADLINE_TOLERANCE_MILLIS = 5;
    private static final int PAGE = 1000;
    private static final int SHOWN = 10;

    /** One entry: its value's type ({@code String}, {@code Long}), its text, and its deadline (0 for none). */
    record Entry(String type, String value, long expiresAtMillis) {

        boolean sameAs(Entry other) {
            return type.equals(other.type) && value.equals(other.value)
                && Math.abs(expiresAtMillis - other.expiresAtMillis) <= DEADLINE_TOLERANCE_MILLIS;
        }
    }

    private final SortedMap<String, Entry> entries;

    private CacheContents(SortedMap<String, Entry> entries) {
        this.entries = Collections.unmodifiableSortedMap(entries);
    }

    /**
     * Reads every page of a cache's dump. The pages are taken one after the other: while the cache
     * changes, they need not agree with one another, so compare contents read once writes stopped.
     *
     * @param server the connection
     * @param cache the cache's MBean
     * @return its contents
     * @throws Exception whatever the remote calls throw
     */
    static CacheContents read(MBeanServerConnection server, ObjectName cache) throws Exception {
        SortedMap<String, Entry> entries = new TreeMap<>();
        long offset = 0;
        while (offset >= 0) {
            CompositeData page = (CompositeData) server.invoke(cache, "dump", new Object[] {offset, PAGE},
                new String[] {"long", "int"});
            for (CompositeData row : (CompositeData[]) page.get("rows")) {
                if ((Boolean) row.get("truncated")) {
                    throw new AssertionError("the dump of " + cache + " cuts the value of key '" + row.get("key")
                        + "': these tests use short values");
                }
                entries.put((String) row.get("key"), new Entry((String) row.get("type"), (String) row.get("value"),
                    (Long) row.get("expiresAtMillis")));
            }
            offset = (Long) page.get("nextOffset");
        }
        return new CacheContents(entries);
    }

    /** @return contents holding these entries */
    static CacheContents of(Map<String, Entry> entries) {
        return new CacheContents(new TreeMap<>(entries));
    }

    int size() {
        return entries.size();
    }

    /** @return the entry of a key, or {@code null} */
    Entry get(String key) {
        return entries.get(key);
    }

    /** @return the entries, sorted by key, unmodifiable */
    SortedMap<String, Entry> entries() {
        return entries;
    }

    /**
     * Describes how two contents differ.
     *
     * @param other the other contents
     * @return the empty list if they hold the same entries; else the number of differing keys and
     *     the first {@value #SHOWN} of them, each with the two entries
     */
    List<String> differences(CacheContents other) {
        List<String> found = new ArrayList<>();
        int differing = 0;
        TreeSet<String> keys = new TreeSet<>(entries.keySet());
        keys.addAll(other.entries.keySet());
        for (String key : keys) {
            Entry mine = entries.get(key);
            Entry theirs = other.entries.get(key);
            if (mine == null || theirs == null || !mine.sameAs(theirs)) {
                differing++;
                if (found.size() < SHOWN) {
                    found.add("'" + key + "': " + mine + " vs " + theirs);
                }
            }
        }
        if (differing > 0) {
            found.add(0, differing + " of " + keys.size() + " keys differ (" + size() + " vs " + other.size()
                + " entries)");
        }
        return found;
    }

    @Override
    public String toString() {
        return entries.size() + " entries";
    }
}
