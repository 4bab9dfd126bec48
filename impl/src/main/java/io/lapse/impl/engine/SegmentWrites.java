package io.lapse.impl.engine;

/**
 * How a single-key write changes a segment, under its lock: a decided {@link Change} applied, a
 * node inserted, a live node given a new value and deadline in place, or replaced by a node of
 * another kind. Stateless; every method's caller holds the segment's lock.
 */
final class SegmentWrites {

    private SegmentWrites() {
    }

    /**
     * Applies a decided change under the slot lock and, unless it came from the replication log,
     * offers it to the table's replication in the same hold of the lock, so that the log has the
     * changes of a key in the order they took effect.
     *
     * @param n the live node it was decided on, or {@code null}
     * @param rep the table's replication, read under this lock; {@code null} if not replicated
     * @return the node removed, to report once unlocked, or {@code null}
     */
    static Node apply(Segment s, int h, String key, Node n, Change c, long now, CacheSettings st, Replication rep) {
        boolean offer = rep != null && !c.fromLog;
        switch (c.kind) {
            case Change.PUT:
                String g = c.group;
                if (g != null && (n == null || !g.equals(n.group()))) {
                    // first, so that a full group refuses the write before anything changed; a
                    // change from the log applies whatever this node's cap says
                    g = s.joinGroup(g, key, c.fromLog ? 0 : st.maxGroupItems);
                    if (n != null) {
                        // a node's group is fixed: the entry moves in a new node, in this step
                        n.seal();
                        s.unlink(n);
                        n = null;
                    }
                } else if (n != null) {
                    g = n.group();
                }
                if (n == null) {
                    s.insert(newNode(h, key, c.value, c.flags, c.deadline, now, st, g));
                } else {
                    update(s, n, c.value, c.flags, c.deadline, now, st);
                }
                s.puts++;
                if (offer) {
                    rep.offerPut(key, c.value, c.deadline, g);
                }
                return null;
            case Change.TTL:
                long before = n.deadline();
                n.setWriteDeadline(c.deadline, now, st.idleMillis);
                n.referenceLocked();
                s.deadlineChanged(n, before);
                if (offer) {
                    rep.offerPut(key, n.value(), c.deadline, n.group());
                }
                return null;
            case Change.REMOVE:
                n.seal();
                s.unlink(n);
                s.removals++;
                if (offer) {
                    rep.offerRemove(key);
                }
                return n;
            default:
                return null;
        }
    }

    /**
     * Makes the node of a new entry.
     *
     * @param flags the weight flags of key and value ({@link Weights#flags}), 0 if not weighed
     */
    static Node newNode(int h, String key, Object v, int flags, long deadline, long now, CacheSettings st) {
        return st.idleMillis > 0 ? new IdleNode(h, key, v, deadline, now, st.idleMillis, flags)
            : new Node(h, key, v, deadline, flags);
    }

    /**
     * Makes the node of a new entry of a keygroup, or of none.
     *
     * @param group the index's copy of the group's name ({@link KeyGroups#join}), or {@code null}
     */
    static Node newNode(int h, String key, Object v, int flags, long deadline, long now, CacheSettings st,
        String group) {
        if (group == null) {
            return newNode(h, key, v, flags, deadline, now, st);
        }
        return st.idleMillis > 0 ? new IdleGroupNode(h, key, v, deadline, now, st.idleMillis, flags, group)
            : new GroupNode(h, key, v, deadline, flags, group);
    }

    /**
     * Stores a new value and deadline in a live node, under its segment's lock.
     *
     * @param flags the weight flags of the entry; only the value's matter to a node that stays
     */
    static void update(Segment s, Node n, Object v, int flags, long d, long now, CacheSettings st) {
        if (st.idleMillis == 0 && !n.idles() && (v instanceof byte[]) == n.holdsBytes()) {
            // The common rewrite, kept small enough to be inlined into the write: a value of the
            // same kind, no idle expiry. A later deadline leaves the node in its wheel bucket
            // (see Segment.deadlineChanged).
            s.revalue(n, v, flags);
            long before = n.deadline();
            if (d != before) {
                n.deadline(d);
                s.deadlineChanged(n, before);
            }
            return;
        }
        rewrite(s, n, v, flags, d, now, st);
    }

    /** {@link #update} in every other case: idle expiry, a change of kind. */
    private static void rewrite(Segment s, Node n, Object v, int flags, long d, long now, CacheSettings st) {
        if ((st.idleMillis > 0 && !n.idles()) || (v instanceof byte[]) != n.holdsBytes()) {
            // A node's kind is fixed: the value changes between byte[] and not, or idleexpire was
            // switched on after the entry was written (it idles from this write on). A new node
            // takes its place in the same step, under the lock.
            n.seal();
            s.unlink(n);
            s.insert(newNode(n.hash, n.key, v, (n.flags() & Node.KEY_WIDE) | (flags & Node.VALUE_WIDE), d, now, st,
                n.group()));
            return;
        }
        s.revalue(n, v, flags);
        if (n.idles() || d != n.writeDeadline()) {
            long before = n.deadline();
            n.setWriteDeadline(d, now, st.idleMillis);
            s.deadlineChanged(n, before);
        }
    }
}
