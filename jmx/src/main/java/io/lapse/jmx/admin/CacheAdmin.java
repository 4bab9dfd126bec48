package io.lapse.jmx.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEntry;
import io.lapse.cache.Match;

/**
 * The management operations on one cache, after Kamailio htable's RPC commands, shared by the
 * MXBean and the shell commands so that both check input and render values the same way.
 *
 * <h2>Errors</h2>
 * Every invalid argument, a {@code null} included, is refused with
 * {@link IllegalArgumentException} naming the cache and what was wrong, before anything changes.
 * A cache that has gone away (its configuration was deleted) or has no store to reload from
 * answers {@link IllegalStateException}. No other exception is thrown on purpose.
 *
 * <h2>Match budget</h2>
 * A match from the management side (the regex and prefix operations) runs under a budget of
 * {@link #MATCH_BUDGET} ({@link Match#within}), so that a client always gets an answer within
 * about a second: a cache too large or a pattern too costly for it ends with
 * {@link IllegalStateException} saying how far the match got, and what a removal took out until
 * then stays removed. A Java caller that needs longer passes its own budget to the cache.
 *
 * <h2>Dump limits</h2>
 * A page holds at most {@value #MAX_DUMP_ROWS} rows (a larger {@code limit} is served as that
 * many) and at most {@value #MAX_DUMP_BYTES} bytes of keys and values in UTF-8 (plus
 * {@value #ROW_OVERHEAD_BYTES} per row for the other columns); a value longer than
 * {@value #MAX_DUMP_VALUE_CHARS} characters of text is cut there and flagged
 * {@code truncated}. A page therefore always holds at least one row when any remain.
 *
 * <p>Instances are immutable and safe for use by any number of threads, as the cache is.
 */
public final class CacheAdmin {

    /**
     * How long a management call may spend matching: 400 ms, so that with the last text it
     * admitted (see {@link Match}) a call answers within a second.
     */
    public static final Duration MATCH_BUDGET = Duration.ofMillis(400);

    /** The most rows one dump page returns. */
    public static final int MAX_DUMP_ROWS = 1000;

    /** The most bytes of keys and values one dump page returns. */
    public static final int MAX_DUMP_BYTES = 1024 * 1024;

    /** The longest value text a dump row carries. */
    public static final int MAX_DUMP_VALUE_CHARS = 1024;

    /** What a row's other columns are counted as, against {@link #MAX_DUMP_BYTES}. */
    static final int ROW_OVERHEAD_BYTES = 64;

    private final Cache cache;
    private final Reloader reloader;

    /**
     * Creates the operations of one cache.
     *
     * @param cache the cache
     * @param reloader how {@link #reload()} finds the cache's store
     */
    public CacheAdmin(Cache cache, Reloader reloader) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.reloader = Objects.requireNonNull(reloader, "reloader");
    }

    /** @return the cache's name */
    public String name() {
        return cache.name();
    }

    /** @return the cache */
    public Cache cache() {
        return cache;
    }

    /**
     * Returns the text of a live value, ignoring {@code initval}.
     *
     * <p>It reads as any client read does: it counts as a hit or a miss, and on a cache with
     * {@code idleexpire} it restarts the entry's idle time.
     *
     * @param key the key
     * @return the value's text (see {@link ValueText}), or {@code null} if the key has no live entry
     */
    public String get(String key) {
        CacheEntry entry = cache.getEntry(require(key, "key"));
        return entry == null ? null : ValueText.render(entry.value());
    }

    /**
     * Stores a string under the cache's default TTL, as htable's {@code sht_sets}.
     *
     * @param key the key
     * @param value the value
     */
    public void sets(String key, String value) {
        cache.put(require(key, "key"), require(value, "value"));
    }

    /**
     * Stores an integer under the cache's default TTL, as htable's {@code sht_seti}.
     *
     * @param key the key
     * @param value the value
     */
    public void seti(String key, long value) {
        cache.put(require(key, "key"), value);
    }

    /**
     * Stores a value with its own TTL.
     *
     * @param key the key
     * @param value a String or a Long
     * @param ttl the TTL; zero for never
     */
    public void set(String key, Object value, Duration ttl) {
        cache.put(require(key, "key"), require(value, "value"), require(ttl, "ttl"));
    }

    /**
     * Gives a live entry a new TTL counted from now, as htable's {@code sht_setex}.
     *
     * @param key the key
     * @param seconds the TTL in seconds; 0 makes the entry never expire
     * @return {@code true} if the key had a live entry, {@code false} if nothing was changed
     */
    public boolean setex(String key, long seconds) {
        require(key, "key");
        if (seconds < 0) {
            throw new IllegalArgumentException("cache '" + name() + "': seconds " + seconds + " is negative");
        }
        if (seconds > Cache.MAX_TTL.getSeconds()) {
            throw new IllegalArgumentException("cache '" + name() + "': seconds " + seconds
                + " is longer than the limit of " + Cache.MAX_TTL.getSeconds() + "; use 0 for never");
        }
        return cache.setTtl(key, Duration.ofSeconds(seconds));
    }

    /**
     * Removes a key, as htable's {@code sht_rm}.
     *
     * @param key the key
     * @return {@code true} if it had a live entry
     */
    public boolean delete(String key) {
        return cache.remove(require(key, "key")) != null;
    }

    /**
     * Returns one page of the live entries, as htable's {@code htable.dump} in pages. Entries
     * whose deadline has passed never appear, even one that passed while the page was built.
     * Pages are positions in the cache's iteration order at the time of each call: entries added
     * or removed between two calls may shift others to a neighbouring page.
     *
     * @param offset how many live entries to skip, at least 0
     * @param limit how many rows to return, at least 1; more than {@value #MAX_DUMP_ROWS} is
     *     served as {@value #MAX_DUMP_ROWS}
     * @return the page; its {@code nextOffset} is -1 when it reached the last entry
     */
    public DumpPage dump(long offset, int limit) {
        checkPage(offset, limit);
        int maxRows = Math.min(limit, MAX_DUMP_ROWS);
        long now = System.currentTimeMillis();
        List<DumpRow> rows = new ArrayList<>();
        long bytes = 0;
        long seen = 0;
        boolean more = false;
        Iterator<CacheEntry> entries = cache.iterator();
        while (entries.hasNext()) {
            CacheEntry entry = entries.next();
            long deadline = entry.expiresAtMillis();
            if (deadline != 0 && deadline <= now) {
                continue;
            }
            if (seen++ < offset) {
                continue;
            }
            if (rows.size() == maxRows) {
                more = true;
                break;
            }
            DumpRow row = DumpRow.of(entry, MAX_DUMP_VALUE_CHARS, now);
            long size = utf8Length(row.getKey()) + utf8Length(row.getValue()) + ROW_OVERHEAD_BYTES;
            if (!rows.isEmpty() && bytes + size > MAX_DUMP_BYTES) {
                more = true;
                break;
            }
            bytes += size;
            rows.add(row);
        }
        return new DumpPage(offset, rows.toArray(new DumpRow[0]), more ? offset + rows.size() : -1, cache.size());
    }

    /**
     * Reloads the cache from its store.
     *
     * @return how many entries were loaded
     * @throws IllegalStateException if the cache has no store, or it cannot be read
     */
    public long reload() {
        return reloader.reload(cache);
    }

    /**
     * Removes every entry, as htable's {@code sht_reset}.
     *
     * @return how many live entries were removed
     */
    public long reset() {
        return cache.clear();
    }

    /**
     * Removes the entries whose key matches, as htable's {@code sht_rm_name_re}.
     *
     * @param regex an RE2 pattern, found anywhere in the key, at most {@value Match#MAX_PATTERN_LENGTH}
     *     characters and not too complex (the cache refuses nested counts that expand too far)
     * @return how many entries were removed
     */
    public long removeKeysMatching(String regex) {
        return cache.removeKeys(regex("key regex", regex));
    }

    /**
     * Removes the entries whose value matches, as htable's {@code sht_rm_value_re}; a number
     * is matched as its decimal text, a byte[] never matches.
     *
     * @param regex an RE2 pattern, found anywhere in the value
     * @return how many entries were removed
     */
    public long removeValuesMatching(String regex) {
        return cache.removeValues(regex("value regex", regex));
    }

    /**
     * Removes the entries whose key starts with a prefix, as htable's {@code sw} operator.
     *
     * @param prefix the prefix, at most {@value Match#MAX_PATTERN_LENGTH} characters
     * @return how many entries were removed
     */
    public long removeKeysWithPrefix(String prefix) {
        return cache.removeKeys(managed(Match::prefix, "prefix", prefix));
    }

    /**
     * Counts the entries whose key matches, as htable's {@code $shtcn}; changes nothing.
     *
     * @param regex an RE2 pattern, found anywhere in the key
     * @return the count
     */
    public long countKeysMatching(String regex) {
        return cache.countKeys(regex("key regex", regex));
    }

    /**
     * Returns one page of the live keys that match, as lws_cache's wildcard lookup, with the
     * limits of a dump page: at most {@value #MAX_DUMP_ROWS} keys (a larger {@code limit} is
     * served as that many) and {@value #MAX_DUMP_BYTES} bytes of keys in UTF-8, at least one key
     * when any remain. Pages are positions in the cache's iteration order at the time of each
     * call, as {@link #dump}'s are.
     *
     * @param kind {@code regex} (RE2, found anywhere in the key), {@code prefix} or {@code glob}
     *     ({@code *} any run of characters, {@code ?} one)
     * @param pattern the pattern, at most {@value Match#MAX_PATTERN_LENGTH} characters
     * @param offset how many matching keys to skip, at least 0
     * @param limit how many keys to return, at least 1
     * @return the page; its {@code nextOffset} is -1 when it reached the last matching key
     */
    public KeyPage keys(String kind, String pattern, long offset, int limit) {
        Match match = match(require(kind, "kind"), pattern);
        checkPage(offset, limit);
        // one key more than the page, to learn whether another page follows
        return page(cache.keys(match, offset, Math.min(limit, MAX_DUMP_ROWS) + 1), offset, limit);
    }

    /**
     * Removes every live entry of a keygroup, as Enduro/X's group invalidation; one
     * {@code cache/removed} event per entry, carrying {@code cache.group}.
     *
     * @param group the group
     * @return how many live entries were removed
     * @throws IllegalStateException if the cache has no keygroups
     */
    public long invalidateGroup(String group) {
        return cache.invalidateGroup(require(group, "group"));
    }

    /**
     * Returns one page of the keys of a keygroup's live entries, with the limits of a dump page
     * ({@value #MAX_DUMP_ROWS} keys, {@value #MAX_DUMP_BYTES} bytes), in key order, so that pages
     * follow each other while the group is left alone.
     *
     * @param group the group
     * @param offset how many keys to skip, at least 0
     * @param limit how many keys to return, at least 1
     * @return the page; its {@code nextOffset} is -1 when it reached the last key
     * @throws IllegalStateException if the cache has no keygroups
     */
    public KeyPage groupKeys(String group, long offset, int limit) {
        require(group, "group");
        checkPage(offset, limit);
        List<String> keys = cache.groupKeys(group);
        keys.sort(null);
        return page(keys.subList((int) Math.min(offset, keys.size()), keys.size()), offset, limit);
    }

    private void checkPage(long offset, int limit) {
        if (offset < 0) {
            throw new IllegalArgumentException("cache '" + name() + "': offset " + offset + " is negative");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("cache '" + name() + "': limit " + limit + " must be at least 1");
        }
    }

    /**
     * The page of keys that starts at {@code offset}, from the keys found from there on: at most
     * {@code limit} and the dump page's caps.
     */
    private static KeyPage page(List<String> found, long offset, int limit) {
        int maxKeys = Math.min(limit, MAX_DUMP_ROWS);
        List<String> page = new ArrayList<>();
        long bytes = 0;
        for (String key : found) {
            long size = utf8Length(key) + ROW_OVERHEAD_BYTES;
            if (page.size() == maxKeys || !page.isEmpty() && bytes + size > MAX_DUMP_BYTES) {
                break;
            }
            bytes += size;
            page.add(key);
        }
        return new KeyPage(offset, page.toArray(new String[0]), page.size() < found.size() ? offset + page.size() : -1);
    }

    /** A match of a kind named by a management client, under the management budget. */
    private Match match(String kind, String pattern) {
        switch (kind) {
            case "regex":
                return regex("key regex", pattern);
            case "prefix":
                return managed(Match::prefix, "prefix", pattern);
            case "glob":
                return managed(Match::glob, "glob", pattern);
            default:
                // a kind is a short word: a longer text is named by its length only
                String shown = kind.length() <= 16 ? "'" + kind + "'" : "of " + kind.length() + " characters";
                throw new IllegalArgumentException("cache '" + name() + "': match kind " + shown
                    + " is none of regex, prefix, glob");
        }
    }

    /** A regex match; the cache itself refuses invalid and over-complex patterns. */
    private Match regex(String what, String pattern) {
        return managed(Match::regex, what, pattern);
    }

    /** A match a management client asked for: checked by name, under the management budget. */
    private Match managed(Function<String, Match> kind, String what, String pattern) {
        return kind.apply(checkLength(what, require(pattern, what))).within(MATCH_BUDGET);
    }

    private String checkLength(String what, String pattern) {
        if (pattern.length() > Match.MAX_PATTERN_LENGTH) {
            throw new IllegalArgumentException("cache '" + name() + "': " + what + " of " + pattern.length()
                + " characters is longer than the limit of " + Match.MAX_PATTERN_LENGTH);
        }
        return pattern;
    }

    private <T> T require(T argument, String what) {
        if (argument == null) {
            throw new IllegalArgumentException("cache '" + name() + "': " + what + " is null");
        }
        return argument;
    }

    private static long utf8Length(String s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
