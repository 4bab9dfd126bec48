package io.lapse.impl.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A table's keygroups, after Enduro/X's: which keys each group holds, for
 * {@link CacheTable#invalidateGroup} and {@link CacheTable#groupKeys}, and the cap on a group's
 * size ({@code max_group_items}).
 *
 * <h2>What it holds</h2>
 * A key is a member of group {@code g} exactly while the table holds a node of the key whose
 * {@link Node#group()} is {@code g}: {@link Segment#insert} and every way a node leaves a segment
 * ({@link Segment#unlink}, the wheel's expiry, {@link Segment#removeIf}; a change of size, a
 * reload's swap and a close through {@link TableLayout}) tell this index, and a
 * write that puts a key into a group first {@linkplain #join joins} it, which is where the cap is
 * checked. Entries past their deadline stay members until they are taken out (by the sweeper,
 * within its resolution, or by the next access), so they count against the cap until then.
 *
 * <h2>Locking</h2>
 * A key's membership changes only under the key's slot lock, so the index and the key's node never
 * disagree for a thread holding that lock. A group's set of keys spans slots: it is changed and
 * read only inside {@link ConcurrentHashMap#compute} on the group, which serialises the changes of
 * one group (and makes the check of the cap and the join one step) without a lock of its own. The
 * index calls nothing outside itself while it runs, so it never holds a slot lock's caller up for
 * longer than a hash-set operation.
 *
 * <p>Thread safety: safe for any number of threads; one instance per table.
 */
final class KeyGroups {

    private final CacheTable table;
    /** Group name to its member keys; a group without members has no entry. */
    private final ConcurrentHashMap<String, Set<String>> groups = new ConcurrentHashMap<>();

    KeyGroups(CacheTable table) {
        this.table = table;
    }

    /**
     * Makes a key a member of a group before the write that puts it there is applied, refusing
     * past the cap; caller holds the key's slot lock and applies the write next, in the same hold.
     *
     * @param group the group, checked
     * @param key the key
     * @param max the most members the group may have; 0 for no cap (a change from the
     *     replication log, which must apply whatever this node's settings say)
     * @return the index's own copy of the group's name, for the node to keep
     * @throws IllegalStateException if the group has {@code max} members and the key is not one;
     *     nothing changed
     */
    String join(String group, String key, int max) {
        String[] canonical = new String[1];
        groups.compute(group, (g, keys) -> {
            Set<String> members = keys == null ? new HashSet<>() : keys;
            if (max > 0 && members.size() >= max && !members.contains(key)) {
                throw new IllegalStateException("cache '" + table.name() + "': group '" + group
                    + "' holds " + members.size() + " entries, its limit (max_group_items " + max
                    + "); remove some, or invalidate the group, before adding key '" + key + "'");
            }
            members.add(key);
            canonical[0] = g;
            return members;
        });
        return canonical[0];
    }

    /** A node of a group was linked into a segment (a join made room for it, or a change of size moved it); caller holds its slot lock. */
    void linked(Node n) {
        String g = n.group();
        if (g != null) {
            // already a member after its join; a member again after a change of size moved it
            join(g, n.key, 0);
        }
    }

    /** A node of a group left its segment, by any path; caller holds its slot lock. */
    void unlinked(Node n) {
        String g = n.group();
        if (g != null) {
            groups.computeIfPresent(g, (k, keys) -> {
                keys.remove(n.key);
                return keys.isEmpty() ? null : keys;
            });
        }
    }

    /** Every node left at once (a reload's swap, a close); caller holds every slot lock. */
    void clear() {
        groups.clear();
    }

    /**
     * Returns the keys that are members of a group now, live or past their deadline.
     *
     * @return a list of the caller's own; empty for a group of none
     */
    List<String> members(String group) {
        List<String> keys = new ArrayList<>();
        groups.computeIfPresent(group, (g, members) -> {
            keys.addAll(members);
            return members;
        });
        return keys;
    }

    // ------------------------------------------------------------------ the Cache operations

    /** See {@link CacheTable#put(String, Object, Duration, String)}. */
    void put(String key, Object value, Duration ttl, String group) {
        String name = table.name();
        Values.checkKey(name, key);
        Values.checkGroup(name, group);
        long ttlMillis = ttl == null ? Deadlines.DEFAULT : Values.ttlMillis(name, ttl);
        CacheSettings settled = table.settings();
        requireKeygroups(settled);
        Object v = Values.store(name, key, value, settled.limits.maxItemSize);
        int flags = settled.limits.admit(name, key, v, settled.idleMillis > 0);
        table.writeKey(key, (n, now, st) -> {
            requireKeygroups(st);
            if (table.writeThrough != null) {
                // refused before the store is told, so neither changes
                throw new IllegalStateException("cache '" + name + "': its store does not keep keygroups");
            }
            return Change.putInGroup(v, flags, Deadlines.forWrite(n, ttlMillis, now, st), null, group);
        });
    }

    /** See {@link CacheTable#invalidateGroup}. */
    long invalidate(String group) {
        checkGroupCall(group, "invalidate a group");
        long removed = 0;
        for (String key : members(group)) {
            // only the entry still in the group: one moved or rewritten out of it meanwhile stays
            if ((Boolean) table.writeKey(key, (n, now, st) -> n != null && group.equals(n.group())
                ? Change.remove(Boolean.TRUE) : Change.none(Boolean.FALSE))) {
                removed++;
            }
        }
        return removed;
    }

    /** See {@link CacheTable#groupKeys}. */
    List<String> liveKeys(String group) {
        checkGroupCall(group, "list a group");
        List<String> live = new ArrayList<>();
        for (String key : members(group)) {
            Node n = peek(key);
            if (n != null && group.equals(n.group())) {
                live.add(key);
            }
        }
        return live;
    }

    private void checkGroupCall(String group, String what) {
        Values.checkGroup(table.name(), group);
        requireKeygroups(table.settings());
        if (table.insideCompute()) {
            throw table.refusedInsideCompute(what);
        }
        table.checkOpen();
    }

    private void requireKeygroups(CacheSettings st) {
        if (st.maxGroupItems == 0) {
            throw new IllegalStateException("cache '" + table.name() + "' has no keygroups: configure keygroups=true"
                + " to put entries in groups");
        }
    }

    /**
     * The live node of a key, without the effects of a read (no hit counted, no idle time
     * restarted, nothing settled): a lookup without a lock, or under it while a change of size
     * moves the key's slot.
     */
    private Node peek(String key) {
        int h = CacheTable.spread(key.hashCode());
        Node[][] tabs = table.tables;
        Object found = Segment.find(tabs, CacheTable.segmentIndex(h, tabs.length), key, h);
        Node n;
        if (found == Segment.MOVING) {
            Segment s = table.lockForRead(h);
            try {
                n = s.findLocked(key, h);
            } finally {
                s.unlock();
            }
        } else {
            n = (Node) found;
        }
        return n == null || table.time.passed(n.deadline()) ? null : n;
    }

    /** @return how many groups have members */
    int size() {
        return groups.size();
    }
}
