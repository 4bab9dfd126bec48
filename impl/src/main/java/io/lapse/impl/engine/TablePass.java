package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * A walk over every node of a table in chunks of about {@link CacheTable#CHUNK} nodes, each
 * under the layout read lock and one segment's lock, both released between chunks, so that
 * reports, matching and store calls happen outside every lock and no lock is held for long: the
 * one template of every pass over the whole table (clear, matches, iteration).
 *
 * <p>Within a segment the walk goes by residue classes of the bucket index modulo the bucket
 * count the segment had when the walk reached it: the table only grows by doubling, so a
 * class keeps its nodes however it grows, and the classes done stay done. A change of layout
 * between chunks (a change of size, a reload) moves the walk to the new segments, and every
 * key whose place in a layout left behind the walk had passed is skipped, so no key is visited
 * twice. A key written during the walk may or may not be visited.
 *
 * <p>Not thread-safe: one per operation.
 */
final class TablePass {

    /** What a pass does with each node of a chunk, under the segment's lock. */
    @FunctionalInterface
    interface Visitor {
        /**
         * @param s the node's segment, locked
         * @param n the node; the visitor may unlink it
         * @param now the precise time the chunk is taken at
         * @return {@code false} to end the chunk after the current bucket
         */
        boolean visit(Segment s, Node n, long now);
    }

    private final CacheTable table;
    private Segment[] segs;
    private int seg;
    private int residue;
    /** The bucket count of {@code segs[seg]} when the walk reached it; 0 before. */
    private int base;
    /** Per layout left behind: segment count, segment reached, its base, its residue. */
    private final List<int[]> left = new ArrayList<>(0);

    /**
     * Starts a walk of a table's current segments.
     *
     * @param table the table
     */
    TablePass(CacheTable table) {
        this.table = table;
        this.segs = table.segments;
    }

    /**
     * Visits the next chunk.
     *
     * @return {@code false} once every segment has been walked (nothing was visited then)
     * @throws IllegalStateException if the table is closed
     */
    boolean next(Visitor visitor) {
        table.layout.readLock().lock();
        try {
            table.checkOpen();
            if (segs != table.segments) {
                left.add(new int[] {segs.length, seg, base, residue});
                segs = table.segments;
                seg = 0;
                base = 0;
                residue = 0;
            }
            while (seg < segs.length) {
                Segment s = segs[seg];
                int visited;
                s.lock();
                try {
                    visited = walk(s, visitor, table.time.now());
                } finally {
                    s.unlock();
                }
                if (visited > 0) {
                    return true;
                }
            }
            return false;
        } finally {
            table.layout.readLock().unlock();
        }
    }

    /** Walks residue classes of one segment until the chunk is full; caller holds its lock. */
    private int walk(Segment s, Visitor visitor, long now) {
        Node[] tab = s.table();
        if (base == 0) {
            if (tab == null) {
                nextSegment();
                return 0;
            }
            base = tab.length;
        }
        if (tab == null) {
            // emptied since the walk reached it: nothing of what was there is left
            nextSegment();
            return 0;
        }
        int visited = 0;
        boolean more = true;
        while (residue < base && more && visited < CacheTable.CHUNK) {
            if (tab.length >= base) {
                for (int j = residue; j < tab.length; j += base) {
                    for (Node n = tab[j]; n != null;) {
                        Node next = n.next();
                        if (!passedBefore(n.hash)) {
                            visited++;
                            n.settle();
                            more &= visitor.visit(s, n, now);
                        }
                        n = next;
                    }
                }
            } else {
                // emptied and grown again smaller: its class shares a bucket with others
                for (Node n = tab[residue & (tab.length - 1)]; n != null;) {
                    Node next = n.next();
                    if ((n.hash & (base - 1)) == residue && !passedBefore(n.hash)) {
                        visited++;
                        n.settle();
                        more &= visitor.visit(s, n, now);
                    }
                    n = next;
                }
            }
            residue++;
        }
        if (residue == base) {
            nextSegment();
        }
        return visited;
    }

    private void nextSegment() {
        seg++;
        base = 0;
        residue = 0;
    }

    private boolean passedBefore(int hash) {
        for (int i = 0, n = left.size(); i < n; i++) {
            int[] l = left.get(i);
            int index = CacheTable.segmentIndex(hash, l[0]);
            if (index < l[1] || index == l[1] && l[2] > 0 && (hash & (l[2] - 1)) < l[3]) {
                return true;
            }
        }
        return false;
    }
}
