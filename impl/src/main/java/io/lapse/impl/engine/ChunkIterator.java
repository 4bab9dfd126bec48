package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import io.lapse.cache.CacheEntry;

/**
 * An iteration over a table that copies its entries a chunk at a time, each chunk at one instant,
 * so that the iteration is weakly consistent and holds no lock between chunks: the heap table's
 * ({@link WholeTable}) and a level's ({@link LevelPasses}). A chunk is refused inside a compute
 * function of the table: an iterator made before a compute and walked inside it could wait for
 * the slot the compute holds.
 *
 * <p>Not thread-safe: one per iteration.
 */
abstract class ChunkIterator implements Iterator<CacheEntry> {

    private final CacheTable table;
    private Iterator<CacheEntry> current = Collections.emptyIterator();
    private boolean done;

    ChunkIterator(CacheTable table) {
        this.table = table;
    }

    /**
     * Copies the next chunk's live entries.
     *
     * @param chunk receives them
     * @return whether more chunks may follow
     */
    abstract boolean fill(List<CacheEntry> chunk);

    @Override
    public final boolean hasNext() {
        while (!current.hasNext()) {
            if (done) {
                return false;
            }
            if (table.insideCompute()) {
                throw table.refusedInsideCompute("iterate over it");
            }
            List<CacheEntry> chunk = new ArrayList<>();
            done = !fill(chunk);
            current = chunk.iterator();
        }
        return true;
    }

    @Override
    public final CacheEntry next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.next();
    }
}
