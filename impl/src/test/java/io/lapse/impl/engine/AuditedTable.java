package io.lapse.impl.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A table of {@link ExactlyOnceStressTest} and what the oracle knows of it besides its versions:
 * its fixed TTL settings, its epochs (each clear or reload starts one) and the counts the
 * operations returned.
 *
 * <p>{@link #epoch} and {@link #boundaries} change only under the run's quiesce lock held for
 * writing, and are read under it held for reading or after the run; the counters may be added to
 * by any thread.
 */
final class AuditedTable {

    /** A clear or reload, which ends every entry of the table and starts a new epoch. */
    static final class Boundary {
        final boolean clear;
        /** The precise clock before the clear or the swap began. */
        final long before;
        /** For a clear: the count it returned (and reported). */
        long cleared;

        Boundary(boolean clear, long before) {
            this.clear = clear;
            this.before = before;
        }
    }

    final String name;
    final long autoexpireMillis;
    final long idleMillis;
    /** The capacity limits: with one, the clock hand evicts and expires beside the writes. */
    final Limits limits;
    final CacheTable table;
    final ReportLog log;
    volatile int epoch;
    /** Element {@code e - 1} started epoch {@code e}. */
    final List<Boundary> boundaries = new ArrayList<>();
    /** Every version written, by key then value. */
    final ConcurrentHashMap<String, ConcurrentHashMap<Object, WrittenVersion>> versions = new ConcurrentHashMap<>();
    /** Writes the table must have counted in {@code puts}. */
    final LongAdder puts = new LongAdder();

    AuditedTable(String name, int sizeBits, long autoexpireMillis, long idleMillis, TimeSource time, Clock clock) {
        this(name, sizeBits, autoexpireMillis, idleMillis, Limits.NONE, time, clock);
    }

    AuditedTable(String name, int sizeBits, long autoexpireMillis, long idleMillis, Limits limits, TimeSource time,
        Clock clock) {
        this.name = name;
        this.autoexpireMillis = autoexpireMillis;
        this.idleMillis = idleMillis;
        this.limits = limits;
        this.log = new ReportLog(clock);
        this.table = new CacheTable(name, settings(sizeBits), time, log);
    }

    /**
     * A table backed by a level: its limits bound the heap table only, and it is not reloaded
     * (a level holds its entries).
     */
    static AuditedTable backed(String name, int sizeBits, long autoexpireMillis, Limits limits, TimeSource time,
        Clock clock) {
        AuditedTable at = new AuditedTable(name, sizeBits, autoexpireMillis, 0, limits, time, clock);
        at.backing = at.table.backBy(new MemoryLevel());
        return at;
    }

    /** The table's backing level, or {@code null}. */
    LevelBacking backing;

    /** The settings of the table at another size, the same otherwise. */
    CacheSettings settings(int sizeBits) {
        return new CacheSettings(sizeBits, autoexpireMillis, true, idleMillis, null).withLimits(limits);
    }

    /** Registers a version; its value must be new for its key. */
    WrittenVersion written(String key, Object value, int atEpoch) {
        WrittenVersion v = new WrittenVersion(this, key, value, atEpoch);
        WrittenVersion before = versions.computeIfAbsent(key, k -> new ConcurrentHashMap<>()).putIfAbsent(value, v);
        if (before != null) {
            throw new IllegalStateException("the test wrote " + key + "=" + value + " twice");
        }
        return v;
    }

    /** The version a report names, or {@code null} if none was written. */
    WrittenVersion named(String key, Object value) {
        ConcurrentHashMap<Object, WrittenVersion> byValue = versions.get(key);
        return byValue == null ? null : byValue.get(value);
    }
}
