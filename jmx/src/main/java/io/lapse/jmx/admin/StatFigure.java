package io.lapse.jmx.admin;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.lapse.cache.CacheStats;

/**
 * The figures of a cache's statistics, listed once, in the order every listing shows them: each
 * with how it is read from a {@link CacheStats}, its name as a column of the manager's
 * {@code stats()} rows, as an attribute of the cache's MBean and in {@code cache:stats}, and what
 * it means. The MBean's descriptions, the manager's rows, the MBean's attributes and the shell
 * read them from here; the MXBean interfaces and {@code CacheStatsRow} must name their members
 * explicitly for the MXBean mapping, and tests hold them, and README's lists, to this one.
 *
 * <p>Immutable.
 */
public enum StatFigure {

    ITEMS("items", "Size", "size", "ITEMS", Kind.PLAIN, "Live entries now", CacheStats::size),
    SLOTS("slots", "Slots", "slots", "SLOTS", Kind.PLAIN, "Slots (lock stripes): 2^size", CacheStats::slots),
    MAX_SLOT_ITEMS("maxSlotItems", "MaxSlotItems", "max slot items", "MAX/SLOT", Kind.PLAIN,
        "The most live entries in one slot", CacheStats::maxSlotItems),
    MIN_SLOT_ITEMS("minSlotItems", "MinSlotItems", "min slot items", "MIN/SLOT", Kind.PLAIN,
        "The fewest live entries in one slot", CacheStats::minSlotItems),
    MAX_ENTRIES("maxEntries", "MaxEntries", "max_entries", "MAX_ENTRIES", Kind.LIMIT,
        "The cache's max_entries: the most live entries it holds before it evicts the least recently used;"
            + " 0 = no limit",
        CacheStats::maxEntries),
    MAX_BYTES("maxBytes", "MaxBytes", "max_bytes", "MAX_BYTES", Kind.LIMIT,
        "The cache's max_bytes: the most bytes of heap its entries may weigh (WeightedBytes) before it evicts the"
            + " least recently used; 0 = no limit",
        CacheStats::maxBytes),
    WEIGHTED_BYTES("weightedBytes", "WeightedBytes", "weighted bytes", "BYTES", Kind.PLAIN,
        "What the live entries weigh in bytes of heap (nodes, keys, values, as a 64-bit JVM with compressed"
            + " references lays them out): kept as entries are written when max_bytes is set, otherwise measured"
            + " by each snapshot of the statistics, which reads every entry",
        CacheStats::weightedBytes),
    HITS("hits", "CacheHits", "hits", "HITS", Kind.READS,
        "Reads that found a live entry, counted while StatisticsEnabled", CacheStats::hits),
    MISSES("misses", "CacheMisses", "misses", "MISSES", Kind.READS,
        "Reads that found no live entry, counted while StatisticsEnabled", CacheStats::misses),
    GETS("gets", "CacheGets", "gets", "GETS", Kind.READS,
        "All reads: hits plus misses, counted while StatisticsEnabled", CacheStats::gets),
    /** Derived from hits and gets: an attribute and a shell figure, not a column of the rows. */
    HIT_PERCENTAGE(null, "CacheHitPercentage", "hit %", "HIT%", Kind.READS,
        "Hits as a percentage of reads, 0 before the first read or while statistics are off",
        CacheStats::hitPercentage),
    PUTS("puts", "CachePuts", "puts", "PUTS", Kind.PLAIN,
        "Values stored: puts, increments and computes that stored a value", CacheStats::puts),
    REMOVALS("removals", "CacheRemovals", "removals", "REMOVED", Kind.PLAIN,
        "Live entries removed by a delete, a match, a compute or a reset", CacheStats::removals),
    EXPIRATIONS("expirations", "CacheExpirations", "expirations", "EXPIRED", Kind.PLAIN,
        "Entries whose deadline passed", CacheStats::expirations),
    EVICTIONS("evictions", "CacheEvictions", "evictions", "EVICTED", Kind.PLAIN,
        "Entries evicted, least recently used first, to keep within max_entries or max_bytes; each raised one"
            + " cache/evicted event",
        CacheStats::evictions),
    EVENTS_POSTED("eventsPosted", "EventsPosted", "events posted", "POSTED", Kind.PLAIN,
        "Events handed to EventAdmin", CacheStats::eventsPosted),
    EVENTS_DROPPED("eventsDropped", "EventsDropped", "events dropped", "DROPPED", Kind.PLAIN,
        "Events that had a subscriber but could not be handed to EventAdmin: a full backlog, or none to take them",
        CacheStats::eventsDropped),
    EXPIRY_LAG_P50("expiryLagP50Millis", "ExpiryLagP50Millis", "expiry lag p50 ms", "LAG P50", Kind.PLAIN,
        "Median time from an entry's deadline to its expiry being noticed, ms", CacheStats::expiryLagP50Millis),
    EXPIRY_LAG_P99("expiryLagP99Millis", "ExpiryLagP99Millis", "expiry lag p99 ms", "LAG P99", Kind.PLAIN,
        "99th percentile of that lateness, ms", CacheStats::expiryLagP99Millis),
    EXPIRY_LAG_MAX("expiryLagMaxMillis", "ExpiryLagMaxMillis", "expiry lag max ms", "LAG MAX", Kind.PLAIN,
        "Largest lateness seen, ms", CacheStats::expiryLagMaxMillis);

    private final String column;
    private final String attribute;
    private final String label;
    private final String heading;
    private final Kind kind;
    private final String description;
    private final Function<CacheStats, Number> reader;

    StatFigure(String column, String attribute, String label, String heading, Kind kind, String description,
        Function<CacheStats, Number> reader) {
        this.column = column;
        this.attribute = attribute;
        this.label = label;
        this.heading = heading;
        this.kind = kind;
        this.description = description;
        this.reader = reader;
    }

    /** What a figure's value of 0 may stand for, so that a listing can say it in words. */
    private enum Kind {
        /** A figure whose 0 is a count or measure of nothing. */
        PLAIN,
        /** A figure of reads: 0 while the cache's {@code statistics} setting is off. */
        READS,
        /** A capacity limit: 0 is no limit. */
        LIMIT
    }

    /**
     * Reads the figure.
     *
     * @param stats a snapshot of a cache's statistics
     * @return an {@code Integer} for {@link #SLOTS}, a {@code Float} for {@link #HIT_PERCENTAGE},
     *     a {@code Long} for every other figure
     */
    public Number read(CacheStats stats) {
        return reader.apply(stats);
    }

    /** @return its column in the manager's {@code stats()} rows, empty for a figure that has none */
    public Optional<String> column() {
        return Optional.ofNullable(column);
    }

    /** @return its attribute of {@code io.lapse:type=Cache,name=<name>}, e.g. {@code CacheHits} */
    public String attribute() {
        return attribute;
    }

    /** @return its label where {@code cache:stats} shows one cache, e.g. {@code max slot items} */
    public String label() {
        return label;
    }

    /** @return its column heading where {@code cache:stats} shows every cache, e.g. {@code MAX/SLOT} */
    public String heading() {
        return heading;
    }

    /**
     * @return whether it counts reads, and so stays 0 while the cache's {@code statistics}
     *     setting is off
     */
    public boolean countsReads() {
        return kind == Kind.READS;
    }

    /** @return whether it is a capacity limit of the cache's configuration, where 0 means no limit */
    public boolean isLimit() {
        return kind == Kind.LIMIT;
    }

    /** @return what it means, as JMX clients show it */
    public String description() {
        return description;
    }

    /** @return the columns of the manager's {@code stats()} rows after {@code name}, in order */
    public static List<String> columns() {
        return Arrays.stream(values()).flatMap(f -> f.column().stream()).collect(Collectors.toList());
    }

    /**
     * @param attribute an attribute name of the cache's MBean
     * @return the figure it shows, empty for an attribute that is no figure ({@code Name},
     *     {@code StatisticsEnabled})
     */
    public static Optional<StatFigure> ofAttribute(String attribute) {
        return Arrays.stream(values()).filter(f -> f.attribute.equals(attribute)).findFirst();
    }
}
