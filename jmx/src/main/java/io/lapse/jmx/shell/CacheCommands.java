package io.lapse.jmx.shell;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;
import io.lapse.cache.CacheStats;
import io.lapse.cache.Durations;
import io.lapse.cache.replication.ReplicationStatus;
import io.lapse.jmx.admin.CacheAdmin;
import io.lapse.jmx.admin.CleanErrors;
import io.lapse.jmx.admin.DumpPage;
import io.lapse.jmx.admin.DumpRow;
import io.lapse.jmx.admin.KeyPage;
import io.lapse.jmx.admin.Reloader;
import io.lapse.jmx.admin.ReplicationStatuses;
import io.lapse.jmx.admin.StatFigure;

/**
 * The {@code cache:*} shell commands, after htable's RPC commands. In the bundle, the component
 * {@code io.lapse.jmx.osgi.CacheCommandsComponent}, a subclass that adds only the wiring, is
 * registered as a Gogo command service under this class (service properties
 * {@code osgi.command.scope=cache} and one {@code osgi.command.function} per command), which
 * Felix Gogo and Karaf's shell both run.
 *
 * <p>Like Karaf's own commands, a command prints its output to {@code System.out}, which Gogo's
 * and Karaf's shells route to the calling session (or into a pipe), and returns nothing: Karaf
 * drops what a command returns when it runs over SSH as {@code bin/client 'cache:list'}. A
 * command that only changes something prints nothing.
 *
 * <p>Each command takes its arguments as strings and checks them itself, so that a wrong
 * call answers with its usage rather than Gogo's "cannot coerce"; {@code -h} or {@code --help}
 * prints the usage. A failure is thrown as an {@link IllegalArgumentException} (bad input, an
 * unknown cache or key) or {@link IllegalStateException} (the cache cannot serve the call, or
 * it failed unexpectedly: a bug or an {@code Error} such as {@code OutOfMemoryError}, logged once
 * by {@link CleanErrors}) with one line starting with the command's name, no cause and an empty
 * stack trace: the shell prints that line, never a stack trace. Values print as in JMX (a byte[]
 * as {@code base64:...}); control characters in keys and values print as escapes.
 *
 * <p>Only the command methods are public, because Gogo offers every public method whose name
 * matches a function; for the same reason a subclass adds no public method. Safe for use by any
 * number of threads: it holds no state of its own.
 */
public class CacheCommands {

    /** Rows per page when cache:dump is given no limit. */
    static final int DEFAULT_DUMP_LIMIT = 100;

    /** How many cache names the message about an unknown cache lists. */
    private static final int NAMES_SHOWN = 20;

    /** A decimal integer in ASCII digits. */
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    private static final String LIST = "cache:list";
    private static final String GET = "cache:get <cache> <key>";
    private static final String SET = "cache:set <cache> <key> <value> [<ttl>]";
    private static final String SETI = "cache:seti <cache> <key> <integer> [<ttl>]";
    private static final String DELETE = "cache:delete <cache> <key>";
    private static final String DUMP = "cache:dump <cache> [<offset> [<limit>]]";
    private static final String STATS = "cache:stats [<cache>]";
    private static final String RELOAD = "cache:reload <cache>";
    private static final String RESET = "cache:reset <cache>";
    private static final String RM = "cache:rm <cache> (--key <regex> | --value <regex> | --prefix <prefix>)";
    private static final String CLUSTER = "cache:cluster [<cache>]";
    private static final String GROUP = "cache:group <cache> (<group> [<offset> [<limit>]] | --invalidate <group>)";
    private static final String KEYS = "cache:keys <cache> [(--regex <regex> | --prefix <prefix> | --glob <glob>)"
        + " [<offset> [<limit>]]]";

    /** How cache:reload finds a cache's store. */
    private final Reloader reloader;

    /** Where cache:cluster finds the replicated caches' status. */
    private final ReplicationStatuses replication;

    private final CacheService caches;

    /** Where a command prints: read at each call, because the shell gives each session its own. */
    private final Supplier<PrintStream> out;

    /**
     * Commands that print to {@code System.out}, which the shell routes to the calling session.
     *
     * @param caches the caches the commands name
     * @param reloader how {@code cache:reload} finds a cache's store
     * @param replication where {@code cache:cluster} finds the replicated caches' status
     */
    protected CacheCommands(CacheService caches, Reloader reloader, ReplicationStatuses replication) {
        this(caches, reloader, replication, () -> System.out);
    }

    /** For tests: commands over the given caches, none with a store or replicated, that print to {@code out}. */
    CacheCommands(CacheService caches, PrintStream out) {
        this(caches, ReplicationStatuses.NONE, out);
    }

    /** For tests: commands over the given caches, none with a store, that print to {@code out}. */
    CacheCommands(CacheService caches, ReplicationStatuses replication, PrintStream out) {
        this(caches, Reloader.NO_STORES, replication, () -> out);
    }

    private CacheCommands(CacheService caches, Reloader reloader, ReplicationStatuses replication,
        Supplier<PrintStream> out) {
        this.caches = Objects.requireNonNull(caches, "caches");
        this.reloader = Objects.requireNonNull(reloader, "reloader");
        this.replication = Objects.requireNonNull(replication, "replication");
        this.out = out;
    }

    @Descriptor("Lists the caches and their sizes. Usage: " + LIST)
    public void list(@Descriptor("none") String... args) {
        print(LIST, args, 0, 0, a -> {
            TextTable table = new TextTable().row("NAME", "SIZE");
            for (String name : caches.names()) {
                Optional<Cache> cache = caches.find(name);
                if (cache.isPresent()) {
                    table.row(name, cache.get().size());
                }
            }
            return table.toString();
        });
    }

    @Descriptor("Prints the value of a live entry (a byte[] as base64:...). Usage: " + GET)
    public void get(@Descriptor("<cache> <key>") String... args) {
        print(GET, args, 2, 2, a -> {
            String value = admin(a[0]).get(a[1]);
            if (value == null) {
                throw new IllegalArgumentException("cache '" + a[0] + "' has no live entry for key " + Typed.quote(a[1]));
            }
            return TextTable.printable(value);
        });
    }

    @Descriptor("Stores a String value, under the cache's autoexpire or the TTL given (30, 500ms, 5m, 1d; 0 = never)."
        + " Usage: " + SET)
    public void set(@Descriptor("<cache> <key> <value> [<ttl>]") String... args) {
        print(SET, args, 3, 4, a -> {
            CacheAdmin admin = admin(a[0]);
            if (a.length == 4) {
                admin.set(a[1], a[2], ttl(a[3]));
            } else {
                admin.sets(a[1], a[2]);
            }
            return null;
        });
    }

    @Descriptor("Stores an integer (Long) value, under the cache's autoexpire or the TTL given. Usage: " + SETI)
    public void seti(@Descriptor("<cache> <key> <integer> [<ttl>]") String... args) {
        print(SETI, args, 3, 4, a -> {
            long value = integer(a[2]);
            CacheAdmin admin = admin(a[0]);
            if (a.length == 4) {
                admin.set(a[1], value, ttl(a[3]));
            } else {
                admin.seti(a[1], value);
            }
            return null;
        });
    }

    @Descriptor("Removes a key. Usage: " + DELETE)
    public void delete(@Descriptor("<cache> <key>") String... args) {
        print(DELETE, args, 2, 2, a -> admin(a[0]).delete(a[1])
            ? "removed '" + TextTable.printable(a[1]) + "'"
            : "no live entry for '" + TextTable.printable(a[1]) + "'");
    }

    @Descriptor("Prints a page of live entries (default offset 0, limit " + DEFAULT_DUMP_LIMIT
        + "; at most 1000 rows and 1 MiB). Usage: " + DUMP)
    public void dump(@Descriptor("<cache> [<offset> [<limit>]]") String... args) {
        print(DUMP, args, 1, 3, a -> {
            long offset = a.length > 1 ? number("offset", a[1]) : 0;
            int limit = a.length > 2 ? limit(a[2]) : DEFAULT_DUMP_LIMIT;
            DumpPage page = admin(a[0]).dump(offset, limit);
            TextTable table = new TextTable().row("KEY", "TYPE", "EXPIRES IN", "VALUE");
            for (DumpRow row : page.getRows()) {
                table.row(row.getKey(), row.getType(), timeLeft(row.getRemainingMillis()),
                    row.isTruncated() ? row.getValue() + "... (" + row.getValueLength() + " in all)" : row.getValue());
            }
            DumpRow[] rows = page.getRows();
            String footer = rows.length == 0
                ? "-- no entries from offset " + offset + " (" + page.getSize() + " in all)"
                : "-- entries " + offset + ".." + (offset + rows.length - 1) + " of " + page.getSize();
            if (page.getNextOffset() >= 0) {
                footer += "; next page: cache:dump " + a[0] + " " + page.getNextOffset() + " " + limit;
            }
            return table + footer + "\n";
        });
    }

    @Descriptor("Prints a page of the live keys, all of them or those that match a regex (RE2, found anywhere), a prefix"
        + " or a glob (* and ?), default offset 0, limit " + DEFAULT_DUMP_LIMIT + "; at most 1000 keys and 1 MiB."
        + " Usage: " + KEYS)
    public void keys(@Descriptor("<cache> [(--regex <regex> | --prefix <prefix> | --glob <glob>) [<offset> [<limit>]]]")
        String... args) {
        print(KEYS, args, 1, 5, a -> {
            String kind = a.length == 1 ? "prefix" : matchKind(a[1]);
            if (a.length == 2) {
                throw new IllegalArgumentException("option " + Typed.quote(a[1]) + " needs a pattern; usage: " + KEYS);
            }
            String pattern = a.length == 1 ? "" : a[2];
            long offset = a.length > 3 ? number("offset", a[3]) : 0;
            int limit = a.length > 4 ? limit(a[4]) : DEFAULT_DUMP_LIMIT;
            return keyLines(admin(a[0]).keys(kind, pattern, offset, limit), offset, "no matching keys");
        });
    }

    @Descriptor("Prints a page of the keys of a keygroup's live entries, in key order (default offset 0, limit "
        + DEFAULT_DUMP_LIMIT + "; at most 1000 keys and 1 MiB), or with --invalidate removes every entry of the group."
        + " Usage: " + GROUP)
    public void group(@Descriptor("<cache> (<group> [<offset> [<limit>]] | --invalidate <group>)") String... args) {
        print(GROUP, args, 2, 4, a -> {
            CacheAdmin admin = admin(a[0]);
            if (a[1].equals("--invalidate") || a[1].equals("-i")) {
                if (a.length != 3) {
                    throw new IllegalArgumentException("usage: " + GROUP);
                }
                return "removed " + admin.invalidateGroup(a[2]) + " entries";
            }
            long offset = a.length > 2 ? number("offset", a[2]) : 0;
            int limit = a.length > 3 ? limit(a[3]) : DEFAULT_DUMP_LIMIT;
            return keyLines(admin.groupKeys(a[1], offset, limit), offset, "no keys in the group");
        });
    }

    /** A page of keys, one a line, and a footer with the offset of the next page. */
    private static String keyLines(KeyPage page, long offset, String none) {
        StringBuilder text = new StringBuilder();
        String[] keys = page.getKeys();
        for (String key : keys) {
            text.append(TextTable.printable(key)).append('\n');
        }
        text.append(keys.length == 0 ? "-- " + none + " from offset " + offset
            : "-- keys " + offset + ".." + (offset + keys.length - 1));
        if (page.getNextOffset() >= 0) {
            // the pattern or group is the user's own text, which they know how to quote: the hint gives the numbers
            text.append("; next page from offset ").append(page.getNextOffset());
        }
        return text.append('\n').toString();
    }

    /** A typed limit of a page; beyond an int, a limit is served as the page's cap anyway. */
    private static int limit(String typed) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, number("limit", typed)));
    }

    /** The match kind an option of cache:keys names. */
    private static String matchKind(String option) {
        switch (option) {
            case "-r":
            case "--regex":
                return "regex";
            case "-p":
            case "--prefix":
                return "prefix";
            case "-g":
            case "--glob":
                return "glob";
            default:
                throw new IllegalArgumentException("unknown option " + Typed.quote(option) + "; usage: " + KEYS);
        }
    }

    @Descriptor("Prints the statistics of one cache, or a row per cache. Usage: " + STATS)
    public void stats(@Descriptor("[<cache>]") String... args) {
        print(STATS, args, 0, 1, a -> a.length == 1 ? oneCache(admin(a[0]).cache()) : everyCache());
    }

    @Descriptor("Reloads a cache from its store. Usage: " + RELOAD)
    public void reload(@Descriptor("<cache>") String... args) {
        print(RELOAD, args, 1, 1, a -> "loaded " + admin(a[0]).reload() + " entries");
    }

    @Descriptor("Removes every entry of a cache. Usage: " + RESET)
    public void reset(@Descriptor("<cache>") String... args) {
        print(RESET, args, 1, 1, a -> "removed " + admin(a[0]).reset() + " entries");
    }

    @Descriptor("Removes the entries whose key matches a regex (RE2, found anywhere), whose value matches a regex,"
        + " or whose key starts with a prefix; quote a regex holding $ { } ( ) | or ;. Usage: " + RM)
    public void rm(@Descriptor("<cache> (--key <regex> | --value <regex> | --prefix <prefix>)") String... args) {
        print(RM, args, 3, 3, a -> {
            CacheAdmin admin = admin(a[0]);
            long removed;
            switch (a[1]) {
                case "-k":
                case "--key":
                    removed = admin.removeKeysMatching(a[2]);
                    break;
                case "-v":
                case "--value":
                    removed = admin.removeValuesMatching(a[2]);
                    break;
                case "-p":
                case "--prefix":
                    removed = admin.removeKeysWithPrefix(a[2]);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + Typed.quote(a[1]) + "; usage: " + RM);
            }
            return "removed " + removed + " entries";
        });
    }

    @Descriptor("Prints the cluster's members and a row per replicated cache, or one replicated cache's figures and"
        + " members; caches are replicated by the io.lapse.cluster bundle. Usage: " + CLUSTER)
    public void cluster(@Descriptor("[<cache>]") String... args) {
        print(CLUSTER, args, 0, 1, a -> a.length == 1 ? oneReplicated(a[0]) : everyReplicated());
    }

    /** Runs a command and prints what it has to say, if anything, ending with a line break. */
    private void print(String usage, String[] args, int min, int max, Function<String[], String> body) {
        String text = run(usage, args, min, max, body);
        if (text != null) {
            PrintStream stream = out.get();
            stream.print(text.endsWith("\n") ? text : text + "\n");
            stream.flush();
        }
    }

    /**
     * Runs a command: answers its usage for {@code -h}/{@code --help}, checks the number of
     * arguments, and turns every failure into one line starting with the command's name.
     */
    private static String run(String usage, String[] args, int min, int max, Function<String[], String> body) {
        String command = usage.split(" ", 2)[0];
        String[] a = args == null ? new String[0] : args;
        if (a.length > 0 && ("-h".equals(a[0]) || "--help".equals(a[0]))) {
            return "usage: " + usage + "\n";
        }
        try {
            if (a.length < min || a.length > max || Arrays.asList(a).contains(null)) {
                throw new IllegalArgumentException("usage: " + usage);
            }
            // every command that names a cache takes it first
            String cache = usage.contains("<cache>") && a.length > 0 ? a[0] : null;
            return CleanErrors.call(cache, command.substring(command.indexOf(':') + 1), () -> body.apply(a));
        } catch (IllegalArgumentException e) {
            throw CleanErrors.clean(new IllegalArgumentException(command + ": " + TextTable.printable(e.getMessage())));
        } catch (IllegalStateException e) {
            throw CleanErrors.clean(new IllegalStateException(command + ": " + TextTable.printable(e.getMessage())));
        }
    }

    private CacheAdmin admin(String name) {
        Cache cache = caches.find(name).orElseThrow(() -> new IllegalArgumentException(noCache(name)));
        return new CacheAdmin(cache, reloader);
    }

    /** What a command says of a cache name that names no cache. */
    private String noCache(String name) {
        return "no cache named " + Typed.quote(name) + "; the caches are " + someOf(caches.names());
    }

    /** The first {@value #NAMES_SHOWN} names, and how many more there are. */
    private static String someOf(Collection<String> names) {
        if (names.isEmpty()) {
            return "none";
        }
        String shown = names.stream().limit(NAMES_SHOWN).collect(Collectors.joining(", "));
        return names.size() <= NAMES_SHOWN ? shown : shown + " and " + (names.size() - NAMES_SHOWN) + " more";
    }

    /**
     * Reads a TTL in the one duration syntax of Lapse ({@link Durations}), as the configuration's
     * {@code autoexpire} is read; {@code 0} means the entry never expires.
     *
     * @throws IllegalArgumentException naming the TTL, as typed but shortened, and what is wrong with it
     */
    private static Duration ttl(String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            // Durations quotes the whole text; a message quotes at most Typed.SHOWN characters of it
            String whole = "'" + text + "'";
            String why = e.getMessage().startsWith(whole) ? e.getMessage().substring(whole.length()) : ": " + e.getMessage();
            throw new IllegalArgumentException("ttl " + Typed.quote(text) + why);
        }
    }

    /**
     * Shows the time left until a deadline in the TTL syntax, rounded to its largest whole unit
     * ({@code 29.5 s} shows as {@code 30s}), so that a dump's figure can be typed back as a TTL.
     *
     * @param remainingMillis milliseconds left, 0 for an entry that never expires
     * @return e.g. {@code never}, {@code 850ms}, {@code 30s}, {@code 12m}
     */
    static String timeLeft(long remainingMillis) {
        if (remainingMillis == 0) {
            return "never";
        }
        long unit = remainingMillis < 1_000 ? 1
            : remainingMillis < 60_000 ? 1_000
            : remainingMillis < 3_600_000 ? 60_000
            : remainingMillis < 86_400_000 ? 3_600_000
            : 86_400_000;
        return Durations.format((remainingMillis + unit / 2) / unit * unit);
    }

    private static long number(String what, String text) {
        return parse(text, () -> what + " " + Typed.quote(text));
    }

    private static long integer(String text) {
        return parse(text, () -> Typed.quote(text));
    }

    /**
     * Reads a decimal long in ASCII digits, with an optional sign. {@link Long#parseLong} alone
     * also takes the digits of other scripts ({@code ١٢٣} is 123), which no one types as a number.
     */
    private static long parse(String text, Supplier<String> shown) {
        if (!INTEGER.matcher(text).matches()) {
            throw new IllegalArgumentException(shown.get() + " is not an integer");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException tooLong) {
            throw new IllegalArgumentException(shown.get() + " is not an integer from " + Long.MIN_VALUE + " to "
                + Long.MAX_VALUE);
        }
    }

    /**
     * A figure as {@code cache:stats} prints it: a percentage with one decimal, a figure that
     * counts reads as {@code off} while the cache does not count them (its statistics setting),
     * and a capacity limit of 0 as {@code none}.
     */
    private static Object shown(StatFigure figure, CacheStats s) {
        if (figure.countsReads() && !s.statisticsEnabled()) {
            return "off";
        }
        Number value = figure.read(s);
        if (figure.isLimit() && value.longValue() == 0) {
            return "none";
        }
        return value instanceof Float ? String.format(Locale.ROOT, "%.1f", value.floatValue()) : value;
    }

    /**
     * The members of the cluster, as a replicated cache's status lists them (this node first),
     * then a row per replicated cache. The members come from the first cache, by name, that is
     * ready (caught up), or else the first of all: a cache still joining may not see every
     * member yet.
     */
    private String everyReplicated() {
        SortedMap<String, ReplicationStatus> all = replication.byCache();
        if (all.isEmpty()) {
            return "no replicated cache";
        }
        ReplicationStatus seen = all.values().stream().filter(s -> s.state() == ReplicationStatus.State.READY)
            .findFirst().orElse(all.values().iterator().next());
        TextTable table = new TextTable().row("NAME", "STATE", "MEMBERS", "SENT", "RECEIVED", "DROPPED",
            "LAG P50 MS", "LAG P99 MS");
        for (Map.Entry<String, ReplicationStatus> e : all.entrySet()) {
            ReplicationStatus s = e.getValue();
            table.row(e.getKey(), ReplicationStatuses.stateName(s), s.members().size(), s.changesSent(),
                s.changesReceived(), s.changesDropped(), millis(s.replicationLagP50Millis()),
                millis(s.replicationLagP99Millis()));
        }
        return "members: " + members(seen.members()) + "\n" + table;
    }

    /** One replicated cache's figures, then its members, one per line. */
    private String oneReplicated(String name) {
        Optional<ReplicationStatus> status = replication.find(name);
        if (status.isEmpty()) {
            if (caches.find(name).isEmpty()) {
                throw new IllegalArgumentException(noCache(name));
            }
            Set<String> replicated = replication.byCache().keySet();
            throw new IllegalStateException("cache " + Typed.quote(name) + " is not replicated; "
                + (replicated.isEmpty() ? "no cache is" : "the replicated caches are " + someOf(replicated)));
        }
        ReplicationStatus s = status.get();
        List<String> members = s.members();
        TextTable table = new TextTable().row("name", name)
            .row("state", ReplicationStatuses.stateName(s))
            .row("members", members.size())
            .row("sent", s.changesSent())
            .row("received", s.changesReceived())
            .row("dropped", s.changesDropped())
            .row("lag p50 ms", millis(s.replicationLagP50Millis()))
            .row("lag p99 ms", millis(s.replicationLagP99Millis()));
        for (int i = 0; i < members.size(); i++) {
            table.row("member", member(members, i));
        }
        return table.toString();
    }

    /** The members on one line, this node (the first) marked; {@code none} for none. */
    private static String members(List<String> members) {
        if (members.isEmpty()) {
            return "none";
        }
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            shown.add(member(members, i));
        }
        return TextTable.printable(String.join(", ", shown));
    }

    private static String member(List<String> members, int i) {
        return members.get(i) + (i == 0 ? " (this node)" : "");
    }

    /** A lag in milliseconds, with one decimal. */
    private static String millis(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String oneCache(Cache cache) {
        CacheStats s = cache.stats();
        TextTable table = new TextTable().row("name", cache.name());
        for (StatFigure f : StatFigure.values()) {
            table.row(f.label(), shown(f, s));
        }
        return table.toString();
    }

    private String everyCache() {
        List<Object> headings = new ArrayList<>(List.of("NAME"));
        for (StatFigure f : StatFigure.values()) {
            headings.add(f.heading());
        }
        TextTable table = new TextTable().row(headings.toArray());
        for (String name : caches.names()) {
            Optional<Cache> cache = caches.find(name);
            if (cache.isEmpty()) {
                continue;
            }
            CacheStats s = CleanErrors.call(name, "stats", () -> {
                try {
                    return cache.get().stats();
                } catch (IllegalStateException closed) {
                    return null; // it went away while listing
                }
            });
            if (s == null) {
                continue;
            }
            List<Object> row = new ArrayList<>(List.of(name));
            for (StatFigure f : StatFigure.values()) {
                row.add(shown(f, s));
            }
            table.row(row.toArray());
        }
        return table.toString();
    }
}
