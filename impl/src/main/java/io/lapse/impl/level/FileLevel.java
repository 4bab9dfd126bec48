package io.lapse.impl.level;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import io.lapse.cache.CacheEntry;
import io.lapse.cache.Match;
import io.lapse.cache.level.CacheLevel;

/**
 * The embedded file level: a cache's complete set in one file of H2's MVStore (a log-structured
 * key-value store, in the H2 bundle the distribution ships), so that a cache configured with
 * {@code level=file} and a path needs nothing else installed.
 *
 * <h2>Layout</h2>
 * Two maps: {@code entries}, key to its record ({@link LevelRecords}: value, deadline, group), in
 * key order, which serves {@link #get} and {@link #scan}; and {@code deadlines}, the deadline
 * index, whose keys are the deadline (19 decimal digits, so their text order is their order),
 * a NUL and the entry's key, which serves {@link #due}.
 *
 * <h2>Durability</h2>
 * MVStore's own background commits are off: every change is committed before its method returns,
 * which writes it to the file (the operating system's cache), so a write that returned survives
 * the end of the process, {@code kill -9} included. MVStore commits every map at once, and another
 * writer's commit may come between the two maps' changes of one write, so the order of those
 * changes is what keeps the index whole: a deadline enters the index before its entry, and leaves
 * it after; a file cut off between the two holds an index entry too many, which {@link #due}
 * skips and removes, never an entry missing from the index, which would never expire.
 *
 * <p>Thread safety: safe for any number of threads. The changes of one key are serialised by a
 * stripe of 64 locks (the cache holds the key's store stripe anyway; a level used on its own
 * needs its own), so its read of the old record and its two map changes are not interleaved with
 * another change of the key.
 */
public final class FileLevel implements CacheLevel {

    private static final int STRIPES = 64;

    private final Path file;
    private final MVStore store;
    private final MVMap<String, byte[]> entries;
    private final MVMap<String, String> deadlines;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    private FileLevel(Path file, MVStore store) {
        this.file = file;
        this.store = store;
        this.entries = store.openMap("entries");
        this.deadlines = store.openMap("deadlines");
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /**
     * Opens a level's file, creating it and its folders if they do not exist.
     *
     * @param file the file
     * @return the level
     * @throws IllegalStateException naming the file, if it cannot be opened (another process holds
     *     it, it is not an MVStore file, the folder cannot be made)
     */
    public static FileLevel open(Path file) {
        Path absolute = file.toAbsolutePath();
        try {
            Path folder = absolute.getParent();
            if (folder != null) {
                Files.createDirectories(folder);
            }
            MVStore store = new MVStore.Builder().fileName(absolute.toString()).autoCommitDisabled().open();
            return new FileLevel(absolute, store);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("level file '" + absolute + "' cannot be opened: " + e.getMessage(), e);
        }
    }

    /** @return the file */
    public Path file() {
        return file;
    }

    @Override
    public CacheEntry get(String key) {
        byte[] record = call(() -> entries.get(key), "read");
        return record == null ? null : LevelRecords.decode(key, record);
    }

    @Override
    public void put(CacheEntry entry) {
        String key = entry.key();
        byte[] record = LevelRecords.encode(entry);
        locked(key, "write", () -> {
            byte[] old = entries.get(key);
            long before = old == null ? 0 : LevelRecords.deadline(old);
            if (entry.expiresAtMillis() != 0) {
                deadlines.put(indexKey(entry.expiresAtMillis(), key), "");
            }
            entries.put(key, record);
            if (before != 0 && before != entry.expiresAtMillis()) {
                deadlines.remove(indexKey(before, key));
            }
            store.commit();
            return null;
        });
    }

    @Override
    public boolean remove(String key) {
        return locked(key, "write", () -> {
            boolean held = unindexedRemove(key);
            store.commit();
            return held;
        });
    }

    @Override
    public void removeAll(Collection<String> keys) {
        for (String key : keys) {
            locked(key, "write", () -> unindexedRemove(key));
        }
        call(store::commit, "write");
    }

    @Override
    public List<CacheEntry> scan(Match match, String after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit + " is below 1");
        }
        String prefix = literalPrefix(match);
        String from = after == null || after.compareTo(prefix) < 0 ? prefix : after;
        return call(() -> {
            List<CacheEntry> page = new ArrayList<>();
            Cursor<String, byte[]> cursor = entries.cursor(from);
            while (cursor.hasNext() && page.size() < limit) {
                String key = cursor.next();
                if (!key.startsWith(prefix)) {
                    break;
                }
                if (after != null && key.equals(after)) {
                    continue;
                }
                page.add(LevelRecords.decode(key, cursor.getValue()));
            }
            return page;
        }, "read");
    }

    @Override
    public List<CacheEntry> due(long untilMillis, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit " + limit + " is below 1");
        }
        List<String> stale = new ArrayList<>();
        List<CacheEntry> due = call(() -> {
            List<CacheEntry> found = new ArrayList<>();
            for (Iterator<String> it = deadlines.keyIterator(null); it.hasNext() && found.size() < limit;) {
                String indexed = it.next();
                long deadline = Long.parseLong(indexed.substring(0, DIGITS));
                if (deadline > untilMillis) {
                    break;
                }
                String key = indexed.substring(DIGITS + 1);
                byte[] record = entries.get(key);
                if (record == null || LevelRecords.deadline(record) != deadline) {
                    // left by a write cut off between its two maps, or by one racing this read
                    stale.add(indexed);
                } else {
                    found.add(LevelRecords.decode(key, record));
                }
            }
            return found;
        }, "read");
        for (String indexed : stale) {
            removeStale(indexed);
        }
        return due;
    }

    /** Takes an index entry out if, under its key's stripe, it still names no entry of that deadline. */
    private void removeStale(String indexed) {
        String key = indexed.substring(DIGITS + 1);
        long deadline = Long.parseLong(indexed.substring(0, DIGITS));
        locked(key, "write", () -> {
            byte[] record = entries.get(key);
            if (record == null || LevelRecords.deadline(record) != deadline) {
                deadlines.remove(indexed);
                store.commit();
            }
            return null;
        });
    }

    @Override
    public long size() {
        return call(entries::sizeAsLong, "read");
    }

    @Override
    public long clear() {
        for (ReentrantLock s : stripes) {
            s.lock();
        }
        try {
            return call(() -> {
                long count = entries.sizeAsLong();
                entries.clear();
                deadlines.clear();
                store.commit();
                return count;
            }, "write");
        } finally {
            for (ReentrantLock s : stripes) {
                s.unlock();
            }
        }
    }

    @Override
    public void close() {
        if (!store.isClosed()) {
            try {
                store.close();
            } catch (RuntimeException e) {
                throw new IllegalStateException("level file '" + file + "' was not closed cleanly: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "FileLevel[" + file + "]";
    }

    /** How many digits a deadline takes in the index: {@link Long#MAX_VALUE} has 19. */
    static final int DIGITS = 19;

    static String indexKey(long deadline, String key) {
        String digits = Long.toString(deadline);
        return "0".repeat(DIGITS - digits.length()) + digits + '\u0000' + key;
    }

    /**
     * The longest text every key the match accepts starts with: the prefix itself, a glob's text
     * before its first wildcard, nothing for a regex (whose anchors and classes are the matcher's).
     */
    static String literalPrefix(Match match) {
        switch (match.kind()) {
            case PREFIX:
                return match.pattern();
            case GLOB:
                String g = match.pattern();
                int wild = g.length();
                for (int i = 0; i < g.length(); i++) {
                    char c = g.charAt(i);
                    if (c == '*' || c == '?' || c == '\\') {
                        wild = i;
                        break;
                    }
                }
                return g.substring(0, wild);
            default:
                return "";
        }
    }

    /** A step holding the key's stripe, so that no other change of the key comes between its map changes. */
    private <T> T locked(String key, String what, Step<T> step) {
        ReentrantLock stripe = stripes[(key.hashCode() * 0x9E3779B9 >>> 26) & (STRIPES - 1)];
        stripe.lock();
        try {
            return call(step, what);
        } finally {
            stripe.unlock();
        }
    }

    /** Removes a key's entry, and then its deadline from the index, not yet committed; caller holds its stripe. */
    private boolean unindexedRemove(String key) {
        byte[] old = entries.remove(key);
        if (old != null && LevelRecords.deadline(old) != 0) {
            deadlines.remove(indexKey(LevelRecords.deadline(old), key));
        }
        return old != null;
    }

    /** A step of the store, its failure reported as the level's, naming the file. */
    private <T> T call(Step<T> step, String what) {
        if (store.isClosed()) {
            // a closed store may still answer from its cache: say it is closed instead
            throw new IllegalStateException("level file '" + file + "' could not " + what + ": it is closed");
        }
        try {
            return step.run();
        } catch (RuntimeException e) {
            throw new IllegalStateException("level file '" + file + "' could not " + what + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Step<T> {
        T run();
    }

    /** For tests: the index entries, deadline first. */
    Map<String, String> index() {
        return deadlines;
    }
}
