package io.lapse.itest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * A seeded generator of malformed management inputs: remote JMX calls on a cache's MBean and
 * lines typed at the Gogo shell, of every {@link Kind}. The same seed gives the same inputs in
 * the same order.
 *
 * <h2>Safe by construction</h2>
 * The inputs run against a cache full of data whose contents must not change, so no input may be
 * a valid change: a write carries at least one fault (a null, empty or over-long key, a bad TTL,
 * a value of the wrong type...) or names a key of {@link #ABSENT} that no entry has; a removal by
 * pattern uses only patterns no key or value of {@link #UNICODE_KEYS} and the
 * {@code key:NNNNNN}/{@code value-N} entries matches; {@code reset} and {@code reload} are only
 * called with a wrong signature, on an unknown cache or (reload) on this store-less cache; no
 * shell line holds a command separator, a pipe or a sub-command. An input that breaks this rule
 * shows as a changed fingerprint, never as a silent pass.
 *
 * <p>Not thread-safe: one generator per test.
 */
final class MalformedInputs {

    /** The kinds of malformation, each counted separately. */
    enum Kind {
        NULL_ARGUMENT, EMPTY, HUGE, UNICODE, INVALID_REGEX, OVER_COMPLEX_REGEX, COSTLY_REGEX, WRONG_TYPE,
        OFFSET_OR_LIMIT, BAD_TTL, UNKNOWN_CACHE, UNKNOWN_OPERATION, WRONG_ARGUMENT_COUNT, SHELL_SYNTAX
    }

    /** Where an input goes. */
    enum Channel {
        /** A remote JMX call over RMI. */
        JMX,
        /** A line run by the framework's Gogo {@code CommandProcessor}. */
        SHELL
    }

    /** What an input may get. */
    enum Expect {
        /** An error of a documented type: the input is wrong. */
        REFUSED,
        /** An error, or an answer that changes nothing: the input is odd but valid (a read of a unicode key). */
        REFUSED_OR_ANSWERED
    }

    /** One remote JMX call. */
    @FunctionalInterface
    interface JmxCall {
        Object call(MBeanServerConnection server) throws Exception;
    }

    /** One input, with a description short enough to print. */
    static final class Input {
        final Kind kind;
        final Channel channel;
        final String what;
        final Expect expect;
        final JmxCall jmx;
        /** The shell line, built when it runs: a line of megabytes is not kept for the whole test. */
        final Supplier<String> line;
        /** For a removal by pattern: an answer must be 0. */
        final boolean removal;

        private Input(Kind kind, Channel channel, String what, Expect expect, JmxCall jmx, Supplier<String> line,
            boolean removal) {
            this.kind = kind;
            this.channel = channel;
            this.what = what;
            this.expect = expect;
            this.jmx = jmx;
            this.line = line;
            this.removal = removal;
        }

        @Override
        public String toString() {
            return channel + " " + kind + ": " + what;
        }
    }

    /** Inputs per kind: JMX, then shell. Pattern scans of the whole cache are few, as each costs a pass. */
    static final Map<Kind, int[]> COUNTS = new EnumMap<>(Map.ofEntries(
        Map.entry(Kind.NULL_ARGUMENT, new int[] {500, 400}),
        Map.entry(Kind.EMPTY, new int[] {450, 450}),
        Map.entry(Kind.HUGE, new int[] {200, 200}),
        Map.entry(Kind.UNICODE, new int[] {550, 550}),
        Map.entry(Kind.INVALID_REGEX, new int[] {500, 500}),
        Map.entry(Kind.OVER_COMPLEX_REGEX, new int[] {400, 400}),
        Map.entry(Kind.COSTLY_REGEX, new int[] {12, 12}),
        Map.entry(Kind.WRONG_TYPE, new int[] {500, 450}),
        Map.entry(Kind.OFFSET_OR_LIMIT, new int[] {400, 400}),
        Map.entry(Kind.BAD_TTL, new int[] {400, 450}),
        Map.entry(Kind.UNKNOWN_CACHE, new int[] {450, 450}),
        Map.entry(Kind.UNKNOWN_OPERATION, new int[] {400, 400}),
        Map.entry(Kind.WRONG_ARGUMENT_COUNT, new int[] {450, 450}),
        Map.entry(Kind.SHELL_SYNTAX, new int[] {0, 400})));

    /** Keys that hold entries in the target cache, besides {@code key:NNNNNN}: read them, never write them. */
    static final List<String> UNICODE_KEYS = List.of("ключ:1", "مفتاح", "מפתח", "e\u0301\u0301", "\uD83D\uDE00",
        "\u202Eevil", "tab\there", "nul\u0000here", "\u4E2D\u6587");

    /** The prefix of keys that no entry has: a valid write to one would show in the fingerprint. */
    static final String ABSENT = "absent:";

    /** Texts that are hard for any code that handles text: surrogates, RTL, NUL, combining marks, line separators. */
    private static final List<String> UNICODE = List.of("\u0000", "a\u0000b", "\uD800", "\uDC00", "x\uD800y",
        "\uDBFF\uDFFF", "\uD83D\uDE00", "\u202Eevil\u202C", "مفتاح", "מפתח", "e\u0301\u0301\u0301", "\u200B",
        "\uFEFF", "line\u2028sep", "para\u2029sep", "next\u0085line", "cr\rlf\n", "\t", "\u001B[31mred", "\uFFFF",
        "\uFFFE", "ключ", "\u4E2D\u6587", "\u0301");

    /** Integers in digits that are not ASCII: never a number to the shell. */
    private static final List<String> FOREIGN_DIGITS = List.of("١٢٣", "１２３", "१२३", "٠", "۵", "\u0663\u0664");

    private static final List<String> INVALID_REGEXES = List.of("(unclosed", "[a-", "*x", "a{2,1}", "(?P<x", "\\",
        "x{1001}", "(?<=a)b", "a**", "[[:nope:]]", "(?i", "\\8", "[z-a]", "\\p{Nope}", "[a-z]{4000}", "x{99999}",
        "(?<name", "+", "a)", "(?x", "(?P<>x)", "[]", "\\pX", "(?P=x)", "x{2}{3}{4}{5}**");

    /** Refused for their size: their counted repetitions expand past the budget. */
    private static final List<String> OVER_COMPLEX_REGEXES = List.of("((a{1000}){1000}){1000}", "(x{100}){100}",
        "((a{100}){100})", "((((a{100}){100}){100}){100})", "([ab]{1000}){10}", "(a{999}){6}",
        "((a{50}|b{50}){50}){50}", "(.{1000}){1000}", "([a-z]{100}){100}$");

    /**
     * Admitted, costly for an automaton (many live states per character over long texts), and
     * matching no key or value of the target cache, so that a removal removes nothing: no text
     * there holds {@code #} or ends in {@code c}, and the long values are letters then {@code !}.
     */
    private static final List<String> COSTLY_REGEXES = List.of("[a-z]{1000}#", "[a-z]{1000}[0-9]#", "(a+)+$",
        "(a|aa)*c$", "(.*a){20}#", "\\pL{1000}#", "(a{1000}){4}#", "([a-z]{999}.){4}#", "(?:a*)*#",
        "(x+x+)+y#", "[a-z]{500}[^!]{500}#", "(\\w+\\s?)*#");

    private static final String S = String.class.getName();
    private static final String L = "long";
    private static final String I = "int";
    private static final String MEGABYTE = "m".repeat(1 << 20);
    private static final String MEGABYTE_DIGITS = "9".repeat(1 << 20);
    private static final String MEGABYTE_UNICODE = "ключ\uD83D\uDE00".repeat((1 << 20) / 6);
    /** A value over the cache's 16 MiB limit. */
    private static final String OVER_VALUE_LIMIT = "v".repeat((16 << 20) + 1);

    private final Random random;
    private final String cache;
    private final ObjectName bean;
    private final ObjectName manager;

    /**
     * @param seed the seed; print it, so a failing run can be repeated
     * @param cache the name of the target cache, whose MBean the JMX inputs call
     */
    MalformedInputs(long seed, String cache) {
        this.random = new Random(seed);
        this.cache = cache;
        this.bean = name("io.lapse:type=Cache,name=" + cache);
        this.manager = name("io.lapse:type=CacheManager");
    }

    /** @return every input of {@link #COUNTS}, in a shuffled order fixed by the seed */
    List<Input> all() {
        List<Input> all = new ArrayList<>();
        for (Map.Entry<Kind, int[]> e : COUNTS.entrySet()) {
            for (int i = 0; i < e.getValue()[0]; i++) {
                all.add(jmx(e.getKey()));
            }
            for (int i = 0; i < e.getValue()[1]; i++) {
                all.add(shell(e.getKey()));
            }
        }
        Collections.shuffle(all, random);
        return all;
    }

    // ---------------------------------------------------------------- JMX

    private Input jmx(Kind kind) {
        switch (kind) {
            case NULL_ARGUMENT: return jmxNull();
            case EMPTY: return jmxEmpty();
            case HUGE: return jmxHuge();
            case UNICODE: return jmxUnicode();
            case INVALID_REGEX: return regexCall(kind, pick(INVALID_REGEXES), Expect.REFUSED);
            case OVER_COMPLEX_REGEX: return regexCall(kind, pick(OVER_COMPLEX_REGEXES), Expect.REFUSED);
            case COSTLY_REGEX: return regexCall(kind, pick(COSTLY_REGEXES), Expect.REFUSED_OR_ANSWERED);
            case WRONG_TYPE: return jmxWrongType();
            case OFFSET_OR_LIMIT: return jmxOffsetOrLimit();
            case BAD_TTL: return jmxBadTtl();
            case UNKNOWN_CACHE: return jmxUnknownCache();
            case UNKNOWN_OPERATION: return jmxUnknownOperation();
            case WRONG_ARGUMENT_COUNT: return jmxWrongCount();
            default: throw new IllegalArgumentException("no JMX inputs of kind " + kind);
        }
    }

    private Input jmxNull() {
        Kind k = Kind.NULL_ARGUMENT;
        switch (random.nextInt(15)) {
            case 0: return invoke(k, "get", args((Object) null), S);
            case 1: return invoke(k, "delete", args((Object) null), S);
            case 2: return invoke(k, "sets", args(null, "v"), S, S);
            case 3: return invoke(k, "sets", args(absent(), null), S, S);
            case 4: return invoke(k, "seti", args(null, 1L), S, L);
            case 5: return invoke(k, "seti", args(absent(), null), S, L);
            case 6: return invoke(k, "setex", args(null, 5L), S, L);
            case 7: return invoke(k, pick(List.of("removeKeysMatching", "removeValuesMatching", "countKeysMatching")),
                args((Object) null), S);
            case 8: return invoke(k, "dump", args(null, 10), L, I);
            case 9: return call(k, "get with a null argument array", Expect.REFUSED,
                s -> s.invoke(bean, "get", null, new String[] {S}));
            case 10: return call(k, "get with a null signature", Expect.REFUSED,
                s -> s.invoke(bean, "get", new Object[] {"key:000001"}, null));
            case 11: return call(k, "a null operation name", Expect.REFUSED, s -> s.invoke(bean, null, null, null));
            case 12: return call(k, "getAttribute of a null name", Expect.REFUSED, s -> s.getAttribute(bean, null));
            case 13:
                switch (random.nextInt(4)) {
                    case 0: return invoke(k, "keys", args(null, "a", 0L, 10), S, S, L, I);
                    case 1: return invoke(k, "keys", args(pick(List.of("regex", "prefix", "glob")), null, 0L, 10), S, S, L, I);
                    case 2: return invoke(k, "invalidateGroup", args((Object) null), S);
                    default: return invoke(k, "groupKeys", args(null, 0L, 10), S, L, I);
                }
            default: return call(k, "invoke on a null ObjectName", Expect.REFUSED,
                s -> s.invoke(null, "get", new Object[] {"k"}, new String[] {S}));
        }
    }

    private Input jmxEmpty() {
        Kind k = Kind.EMPTY;
        switch (random.nextInt(12)) {
            case 0: return invoke(k, "get", args(""), S);
            case 1: return invoke(k, "delete", args(""), S);
            case 2: return invoke(k, "sets", args("", "v"), S, S);
            case 3: return invoke(k, "sets", args("", ""), S, S);
            case 4: return invoke(k, "seti", args("", 1L), S, L);
            case 5: return invoke(k, "setex", args("", 5L), S, L);
            case 6: return call(k, "an empty operation name", Expect.REFUSED, s -> s.invoke(bean, "", null, null));
            case 7: return call(k, "getAttribute ''", Expect.REFUSED, s -> s.getAttribute(bean, ""));
            case 8: return call(k, "getAttributes of no names", Expect.REFUSED_OR_ANSWERED,
                s -> s.getAttributes(bean, new String[0]));
            case 9: return on(k, name("io.lapse:type=Cache,name=\"\""), "get", args("k"), S);
            case 10: return call(k, "an empty signature for sets", Expect.REFUSED,
                s -> s.invoke(bean, "sets", new Object[0], new String[0]));
            default:
                // a scan of every key: rare, as each costs a pass over the cache
                return random.nextInt(10) == 0 ? invoke(k, "countKeysMatching", args(""), Expect.REFUSED_OR_ANSWERED, S)
                    : invoke(k, "setex", args("", 0L), S, L);
        }
    }

    private Input jmxHuge() {
        Kind k = Kind.HUGE;
        String huge = pick(List.of(MEGABYTE, MEGABYTE_DIGITS, MEGABYTE_UNICODE));
        switch (random.nextInt(15)) {
            case 0: return invoke(k, "sets", args(huge, "v"), S, S);
            case 1: return invoke(k, "sets", args(huge, huge), S, S);
            case 2: return invoke(k, "get", args(huge), S);
            case 3: return invoke(k, "delete", args(huge), S);
            case 4: return invoke(k, "seti", args(huge, 1L), S, L);
            case 5: return invoke(k, "setex", args(huge, 5L), S, L);
            case 6: return invoke(k, pick(List.of("removeKeysMatching", "removeValuesMatching", "countKeysMatching")),
                args(huge), S);
            case 7: return invoke(k, "sets", args("k".repeat(4097), "v"), S, S);
            case 8: return invoke(k, "countKeysMatching", args("a".repeat(1025)), S);
            case 9: return on(k, name("io.lapse:type=Cache,name=" + ObjectName.quote(huge)), "get", args("k"), S);
            case 10: return call(k, "getAttribute of a 1 MB name", Expect.REFUSED, s -> s.getAttribute(bean, huge));
            case 11: return call(k, "an operation of a 1 MB name", Expect.REFUSED,
                s -> s.invoke(bean, huge, new Object[] {"k"}, new String[] {S}));
            case 13:
                switch (random.nextInt(3)) {
                    case 0: return invoke(k, "keys", args(random.nextBoolean() ? huge : pick(List.of("regex", "prefix", "glob")),
                        huge, 0L, 10), S, S, L, I);
                    case 1: return invoke(k, "invalidateGroup", args(huge), S);
                    default: return invoke(k, "groupKeys", args(huge, 0L, 10), S, L, I);
                }
            case 12: return random.nextInt(20) == 0 ? invoke(k, "sets", args("", OVER_VALUE_LIMIT), S, S)
                : invoke(k, "sets", args(huge, ""), S, S);
            default:
                // a value over the 16 MiB limit: slow to send, so rare
                return random.nextInt(20) == 0 ? invoke(k, "sets", args(absent(), OVER_VALUE_LIMIT), S, S)
                    : invoke(k, "sets", args(null, huge), S, S);
        }
    }

    private Input jmxUnicode() {
        Kind k = Kind.UNICODE;
        String u = pick(UNICODE);
        Expect either = Expect.REFUSED_OR_ANSWERED;
        switch (random.nextInt(11)) {
            case 0: return invoke(k, "get", args(u), either, S);
            case 1: return invoke(k, "get", args(pick(UNICODE_KEYS)), either, S);
            case 2: return invoke(k, "delete", args(ABSENT + u), either, S);
            case 3: return invoke(k, "setex", args(ABSENT + u, 5L), either, S, L);
            case 4: return invoke(k, "sets", args(u, null), S, S);
            case 5: return invoke(k, "sets", args(u + "x".repeat(4096), u), S, S);
            case 6: return invoke(k, "seti", args(u.repeat(4097), 1L), S, L);
            case 7: return on(k, name("io.lapse:type=Cache,name=" + ObjectName.quote(u)), "get", args("k"), S);
            case 8: return call(k, "getAttribute " + show(u), Expect.REFUSED, s -> s.getAttribute(bean, u));
            case 9: return call(k, "operation " + show(u), Expect.REFUSED,
                s -> s.invoke(bean, u, new Object[] {"k"}, new String[] {S}));
            default:
                // a pattern scan: rare; anchored on keys no entry has, so a removal removes nothing
                String regex = "^" + ABSENT + u + "$";
                return random.nextInt(10) == 0
                    ? regexCall(k, regex, either)
                    : invoke(k, "removeKeysMatching", args(regex + "("), S);
        }
    }

    /** A pattern operation through JMX; a removal that is answered must have removed nothing. */
    private Input regexCall(Kind kind, String regex, Expect expect) {
        String op = pick(List.of("removeKeysMatching", "removeValuesMatching", "countKeysMatching"));
        Input plain = invoke(kind, op, args(regex), expect, S);
        return new Input(kind, Channel.JMX, plain.what, expect, plain.jmx, null, op.startsWith("remove"));
    }

    private Input jmxWrongType() {
        Kind k = Kind.WRONG_TYPE;
        switch (random.nextInt(16)) {
            case 0: return invoke(k, "seti", args(absent(), "12"), S, L);
            case 1: return invoke(k, "setex", args(absent(), 1.5d), S, L);
            case 2: return invoke(k, "dump", args("0", "10"), L, I);
            case 3: return invoke(k, "dump", args(0L, 10L), Expect.REFUSED_OR_ANSWERED, L, I);
            case 4: return invoke(k, "dump", args(0, 10), Expect.REFUSED_OR_ANSWERED, L, I);
            case 5: return invoke(k, "get", args(42), S);
            case 6: return invoke(k, "sets", args(new String[] {"a"}, "v"), S, S);
            case 7: return invoke(k, "sets", args(absent(), 12L), S, S);
            case 8: return invoke(k, "countKeysMatching", args(new Date(0)), S);
            case 9: return invoke(k, "get", args("key:000001"), "java.lang.Object");
            case 10: return invoke(k, "seti", args(absent(), 1L), S, "java.lang.Long");
            case 11: return invoke(k, "setex", args(absent(), 1), S, I);
            case 12: return invoke(k, "get", args("k"), "no.such.Type");
            case 13: return call(k, "setAttribute Size", Expect.REFUSED,
                s -> {
                    s.setAttribute(bean, new Attribute("Size", 5L));
                    return null;
                });
            case 14: return call(k, "setAttribute Name to a number", Expect.REFUSED,
                s -> {
                    s.setAttribute(bean, new Attribute("Name", 5));
                    return null;
                });
            default: return invoke(k, "seti", args(absent(), Long.valueOf(3)), Expect.REFUSED, S, S);
        }
    }

    private Input jmxOffsetOrLimit() {
        Kind k = Kind.OFFSET_OR_LIMIT;
        Expect answered = Expect.REFUSED_OR_ANSWERED;
        switch (random.nextInt(8)) {
            case 0: return invoke(k, "dump", args(-1L - random.nextInt(Integer.MAX_VALUE), 10), L, I);
            case 1: return invoke(k, "dump", args(Long.MIN_VALUE, Integer.MIN_VALUE), L, I);
            case 2: return invoke(k, "dump", args(0L, 0), L, I);
            case 3: return invoke(k, "dump", args(0L, -1 - random.nextInt(Integer.MAX_VALUE)), L, I);
            case 4: return invoke(k, "dump", args(random.nextInt(100_000) + 0L, Integer.MAX_VALUE), answered, L, I);
            case 5:
                // past the last entry: a pass over the whole cache, so rare
                return random.nextInt(4) == 0 ? invoke(k, "dump", args(Long.MAX_VALUE, 10), answered, L, I)
                    : invoke(k, "dump", args(Long.MAX_VALUE, 0), L, I);
            case 6: return invoke(k, "dump", args(99_999L, 1), answered, L, I);
            default: return invoke(k, "dump", args(-1L, Integer.MAX_VALUE), L, I);
        }
    }

    private Input jmxBadTtl() {
        Kind k = Kind.BAD_TTL;
        String key = random.nextBoolean() ? existing() : absent();
        long seconds;
        switch (random.nextInt(6)) {
            case 0: seconds = -1 - random.nextInt(1_000_000); break;
            case 1: seconds = Long.MAX_VALUE; break;
            case 2: seconds = Long.MIN_VALUE; break;
            case 3: seconds = 36_500L * 86_400 + 1 + random.nextInt(1_000_000); break;
            case 4: seconds = Long.MAX_VALUE / 1000 + random.nextInt(1000); break;
            default: seconds = -1; break;
        }
        return invoke(k, "setex", args(key, seconds), S, L);
    }

    private Input jmxUnknownCache() {
        Kind k = Kind.UNKNOWN_CACHE;
        List<String> names = List.of("io.lapse:type=Cache,name=nosuch-" + random.nextInt(1000),
            "io.lapse:type=Cache,name=" + ObjectName.quote("a,b=c:*?"), "io.lapse:type=Cache",
            "io.lapse:type=Cache,name=" + cache + ",extra=1", "other.domain:type=Cache,name=" + cache,
            "io.lapse:type=Cache,name=" + cache.toUpperCase(), "io.lapse:type=Cache,name=" + ObjectName.quote(" " + cache),
            "io.lapse:type=CacheManager,name=" + cache, "io.lapse:type=Cache,*", "io.lapse:type=Cache,name=targ?t");
        ObjectName target = name(pick(names));
        switch (random.nextInt(5)) {
            case 0: return on(k, target, "sets", args("k", "v"), S, S);
            case 1: return on(k, target, "get", args("k"), S);
            case 2: return on(k, target, "reset", args(), new String[0]);
            case 3: return call(k, "getAttribute Size of " + target, Expect.REFUSED, s -> s.getAttribute(target, "Size"));
            default: return on(k, target, "removeKeysMatching", args(".*"), S);
        }
    }

    private Input jmxUnknownOperation() {
        Kind k = Kind.UNKNOWN_OPERATION;
        switch (random.nextInt(6)) {
            case 0: return invoke(k, pick(List.of("nosuch", "getSize", "toString", "hashCode", "wait", "notify",
                "clear", "put", "Size", "SETS", "sets ", "sets\u0000", "getCacheHits", "close")), args(), new String[0]);
            case 1: return invoke(k, pick(List.of("put", "clear", "remove", "Sets", "set", "increment")),
                args(absent(), "v"), S, S);
            case 2: return call(k, "getAttribute of an unknown name", Expect.REFUSED,
                s -> s.getAttribute(bean, pick(List.of("Nope", "size", "cacheHits", "Values", "Entries"))));
            case 3: return call(k, "setAttribute of an unknown name", Expect.REFUSED,
                s -> {
                    s.setAttribute(bean, new Attribute("Nope", 1));
                    return null;
                });
            case 4: return call(k, "the manager asked to reset", Expect.REFUSED,
                s -> s.invoke(manager, pick(List.of("reset", "get", "dump", "clear")), new Object[0], new String[0]));
            default: return call(k, "getAttributes with unknown names", Expect.REFUSED_OR_ANSWERED,
                s -> s.getAttributes(bean, new String[] {"Nope", "size", "\u0000"}));
        }
    }

    private Input jmxWrongCount() {
        Kind k = Kind.WRONG_ARGUMENT_COUNT;
        switch (random.nextInt(10)) {
            case 0: return invoke(k, "sets", args("k"), S);
            case 1: return invoke(k, "sets", args(absent(), "v", "x"), S, S, S);
            case 2: return invoke(k, "get", args(), new String[0]);
            case 3: return invoke(k, "dump", args(0L), L);
            case 4: return invoke(k, "reset", args("x"), S);
            case 5: return invoke(k, "reload", args("x"), S);
            case 6: return invoke(k, "countKeysMatching", args("a", "b"), S, S);
            case 7: return call(k, "get with 2 arguments for a signature of 1", Expect.REFUSED,
                s -> s.invoke(bean, "get", new Object[] {"a", "b"}, new String[] {S}));
            case 8: return call(k, "sets with 1 argument for a signature of 2", Expect.REFUSED,
                s -> s.invoke(bean, "sets", new Object[] {ABSENT + "k"}, new String[] {S, S}));
            default: return invoke(k, "resetStats", args(1), I);
        }
    }

    // ---------------------------------------------------------------- shell

    private Input shell(Kind kind) {
        switch (kind) {
            case NULL_ARGUMENT: return shellNull();
            case EMPTY: return shellEmpty();
            case HUGE: return shellHuge();
            case UNICODE: return shellUnicode();
            case INVALID_REGEX: return rm(kind, pick(INVALID_REGEXES), Expect.REFUSED);
            case OVER_COMPLEX_REGEX: return rm(kind, pick(OVER_COMPLEX_REGEXES), Expect.REFUSED);
            case COSTLY_REGEX: return rm(kind, pick(COSTLY_REGEXES), Expect.REFUSED_OR_ANSWERED);
            case WRONG_TYPE: return shellWrongType();
            case OFFSET_OR_LIMIT: return shellOffsetOrLimit();
            case BAD_TTL: return shellBadTtl();
            case UNKNOWN_CACHE: return shellUnknownCache();
            case UNKNOWN_OPERATION: return shellUnknownOperation();
            case WRONG_ARGUMENT_COUNT: return shellWrongCount();
            default: return shellSyntax();
        }
    }

    private Input shellNull() {
        // Gogo reads the word null, and a variable never set, as a null argument
        String n = random.nextBoolean() ? "null" : "$nothing";
        return line(Kind.NULL_ARGUMENT, pick(List.of("cache:get " + cache + " " + n, "cache:get " + n + " k",
            "cache:set " + cache + " " + n + " v", "cache:set " + cache + " " + ABSENT + "k " + n,
            "cache:seti " + cache + " " + ABSENT + "k " + n, "cache:dump " + cache + " " + n,
            "cache:dump " + cache + " 0 " + n, "cache:rm " + cache + " --key " + n, "cache:rm " + cache + " " + n + " x",
            "cache:list " + n, "cache:stats " + n, "cache:delete " + cache + " " + n, "cache:reset " + n,
            "cache:set " + cache + " " + ABSENT + "k v " + n)), Expect.REFUSED);
    }

    private Input shellEmpty() {
        String e = random.nextBoolean() ? "''" : "\"\"";
        if (random.nextInt(20) == 0) {
            return line(Kind.EMPTY, pick(List.of("", " ", "\t")), Expect.REFUSED_OR_ANSWERED);
        }
        return line(Kind.EMPTY, pick(List.of("cache:get " + cache + " " + e, "cache:get " + e + " k",
            "cache:set " + cache + " " + e + " v", "cache:seti " + cache + " " + e + " 1",
            "cache:seti " + cache + " " + ABSENT + "k " + e, "cache:dump " + cache + " " + e,
            "cache:dump " + cache + " 0 " + e, "cache:set " + cache + " " + ABSENT + "k v " + e,
            "cache:rm " + cache + " " + e + " x", "cache:rm " + e + " --key x", "cache:delete " + cache + " " + e,
            "cache:stats " + e, "cache:reload " + e, "cache:reset " + e)), Expect.REFUSED);
    }

    private Input shellHuge() {
        // %H stands for a megabyte of text, unquoted (letters or digits), %Q for one in quotes
        String template = pick(List.of("cache:get " + cache + " %H", "cache:get %H k", "cache:set " + cache + " %Q v",
            "cache:set " + cache + " %H %Q", "cache:seti " + cache + " " + ABSENT + "k %D", "cache:dump " + cache + " %D",
            "cache:dump " + cache + " 0 %D", "cache:set " + cache + " " + ABSENT + "k v %H",
            "cache:rm " + cache + " --key %Q", "cache:rm " + cache + " --value %H", "cache:rm " + cache + " %H x",
            "cache:%H", "cache:delete " + cache + " %Q", "cache:stats %Q"));
        String unquoted = pick(List.of(MEGABYTE, MEGABYTE_DIGITS));
        String quoted = "'" + pick(List.of(MEGABYTE, MEGABYTE_DIGITS, MEGABYTE_UNICODE)) + "'";
        String what = template.replace("%H", "<1 MB " + show(unquoted.substring(0, 4)) + "...>")
            .replace("%Q", "'<1 MB " + show(quoted.substring(1, 5)) + "...>'").replace("%D", "<1 MB of digits>");
        return new Input(Kind.HUGE, Channel.SHELL, what, Expect.REFUSED, null,
            () -> template.replace("%H", unquoted).replace("%Q", quoted).replace("%D", MEGABYTE_DIGITS), false);
    }

    private Input shellUnicode() {
        String u = "'" + pick(UNICODE).replace("'", "") + "'";
        switch (random.nextInt(8)) {
            case 0: return line(Kind.UNICODE, "cache:get " + cache + " " + u, Expect.REFUSED_OR_ANSWERED);
            case 1: return line(Kind.UNICODE, "cache:get " + cache + " '" + pick(UNICODE_KEYS) + "'",
                Expect.REFUSED_OR_ANSWERED);
            case 2: return line(Kind.UNICODE, "cache:delete " + cache + " '" + ABSENT + u.substring(1),
                Expect.REFUSED_OR_ANSWERED);
            case 3: return line(Kind.UNICODE, "cache:get " + u + " k", Expect.REFUSED);
            case 4: return line(Kind.UNICODE, "cache:seti " + cache + " " + ABSENT + "k " + pick(FOREIGN_DIGITS),
                Expect.REFUSED);
            case 5: return line(Kind.UNICODE, "cache:dump " + cache + " " + pick(FOREIGN_DIGITS)
                + (random.nextBoolean() ? "" : " 1"), Expect.REFUSED);
            case 6: return line(Kind.UNICODE, "cache:set " + cache + " " + ABSENT + "k v " + pick(FOREIGN_DIGITS) + "s",
                Expect.REFUSED);
            default:
                // a pattern scan: rare; anchored on keys no entry has
                return random.nextInt(10) == 0
                    ? line(Kind.UNICODE, "cache:rm " + cache + " --key '^" + ABSENT + u.substring(1, u.length() - 1) + "$'",
                        Expect.REFUSED_OR_ANSWERED, true)
                    : line(Kind.UNICODE, "cache:rm " + cache + " --unicode " + u, Expect.REFUSED);
        }
    }

    private Input rm(Kind kind, String regex, Expect expect) {
        String option = pick(List.of("--key", "--value", "-k", "-v"));
        return line(kind, "cache:rm " + cache + " " + option + " '" + regex + "'", expect, true);
    }

    private Input shellWrongType() {
        String number = pick(List.of("12.5", "0x10", "1e3", "+-1", "9223372036854775808", "-9223372036854775809",
            "twelve", "'12 '", "' 12'", "1_000", "1,000", "[1,2]", "[a=b]", "NaN", "Infinity", "0b101", "12L", "--5"));
        List<String> asInteger = List.of("cache:seti " + cache + " " + ABSENT + "k " + number,
            "cache:dump " + cache + " " + number, "cache:dump " + cache + " 0 " + number);
        List<String> asTtl = List.of("cache:seti " + cache + " " + ABSENT + "k 1 " + number,
            "cache:set " + cache + " " + ABSENT + "k v " + number);
        // a TTL reads as a configuration's durations do, white space around the number allowed:
        // a padded number is wrong only where an integer is wanted
        boolean padded = number.startsWith("' ") || number.endsWith(" '");
        List<String> lines = new ArrayList<>(asInteger);
        if (!padded) {
            lines.addAll(asTtl);
        }
        return line(Kind.WRONG_TYPE, pick(lines), Expect.REFUSED);
    }

    private Input shellOffsetOrLimit() {
        switch (random.nextInt(7)) {
            case 0: return line(Kind.OFFSET_OR_LIMIT, "cache:dump " + cache + " " + (-1 - random.nextInt(Integer.MAX_VALUE)),
                Expect.REFUSED);
            case 1: return line(Kind.OFFSET_OR_LIMIT, "cache:dump " + cache + " " + Long.MIN_VALUE, Expect.REFUSED);
            case 2: return line(Kind.OFFSET_OR_LIMIT, "cache:dump " + cache + " 0 " + pick(List.of("0", "-1",
                "-2147483648", "-9223372036854775808")), Expect.REFUSED);
            case 3:
                // past the last entry: a pass over the whole cache, so rare
                return random.nextInt(4) == 0
                    ? line(Kind.OFFSET_OR_LIMIT, "cache:dump " + cache + " " + Long.MAX_VALUE + " 1", Expect.REFUSED_OR_ANSWERED)
                    : line(Kind.OFFSET_OR_LIMIT, "cache:dump " + cache + " " + Long.MAX_VALUE + " 0", Expect.REFUSED);
            case 4: return line(Kind.OFFSET_OR_LIMIT, "cache:dump " + cache + " " + random.nextInt(100_000) + " "
                + pick(List.of("2147483648", "9223372036854775807", "1000000")), Expect.REFUSED_OR_ANSWERED);
            case 5: return line(Kind.OFFSET_OR_LIMIT, "cache:dump " + cache + " 99999999999999999999", Expect.REFUSED);
            default: return line(Kind.OFFSET_OR_LIMIT, "cache:dump " + cache + " 0 99999999999999999999", Expect.REFUSED);
        }
    }

    private Input shellBadTtl() {
        // the shell reads TTLs as configurations do (io.lapse.cache.Durations): any case and white
        // space around the number are fine there, so "5S" and "' 5'" are not in this list, and a TTL
        // is refused past 100 years (10000000000000ms is 317)
        String ttl = pick(List.of("-5", "5y", "1.5s", "0x10", "9999999999999", "999999999999d", "5Sec", "'5 5'", "5s5",
            "ms", "s", "-0", "+5", "5ms5", "99999999999h", "10000000000000ms", "5 s", "PT5S", "5sec", "⁵", "5\u00A0s"));
        String line = random.nextBoolean() ? "cache:set " + cache + " " + pick(List.of(ABSENT + "k", existing())) + " v " + ttl
            : "cache:seti " + cache + " " + pick(List.of(ABSENT + "k", existing())) + " 1 " + ttl;
        return line(Kind.BAD_TTL, line, Expect.REFUSED);
    }

    private Input shellUnknownCache() {
        String name = pick(List.of("nosuch-" + random.nextInt(1000), "'a,b'", "' " + cache + "'", "'" + cache + " '",
            "nosuch.cache", "'*'", "'" + cache + "?'", cache + "s"));
        return line(Kind.UNKNOWN_CACHE, pick(List.of("cache:get " + name + " k", "cache:set " + name + " k v",
            "cache:dump " + name, "cache:stats " + name, "cache:reset " + name, "cache:reload " + name,
            "cache:rm " + name + " --key x", "cache:delete " + name + " k", "cache:seti " + name + " k 1")),
            Expect.REFUSED);
    }

    private Input shellUnknownOperation() {
        String args = pick(List.of("", " " + cache, " " + cache + " k"));
        return line(Kind.UNKNOWN_OPERATION, pick(List.of("cache:nosuch", "cache:gets", "cache:list2", "cache:",
            "cachex:get", "cache::get", "nosuchscope:get", "cache:put", "cache:clear", "cache:remove", "cache:groups",
            "cache:ttl", "cache:\u0000", "cache:ключ")) + args, Expect.REFUSED);
    }

    private Input shellWrongCount() {
        return line(Kind.WRONG_ARGUMENT_COUNT, pick(List.of("cache:get", "cache:get " + cache,
            "cache:get " + cache + " a b", "cache:set " + cache + " k", "cache:set " + cache + " " + ABSENT + "k v 5 x",
            "cache:seti " + cache, "cache:seti " + cache + " " + ABSENT + "k 1 5 x", "cache:delete " + cache,
            "cache:delete " + cache + " a b", "cache:dump", "cache:dump " + cache + " 0 1 2", "cache:stats a b",
            "cache:reload", "cache:reload " + cache + " x", "cache:reset", "cache:reset " + cache + " x",
            "cache:rm " + cache, "cache:rm " + cache + " --key", "cache:rm " + cache + " --key x y", "cache:list x",
            "cache:rm")), Expect.REFUSED);
    }

    private Input shellSyntax() {
        String start = "cache:get " + cache + " ";
        return line(Kind.SHELL_SYNTAX, start + pick(List.of("'unclosed", "\"unclosed", "{", "}", "[", "(", ")",
            "\\", "$", "${", "$(", "${nosuch", "'a'b'", "\"a\\", "{".repeat(200), "[".repeat(200), "(".repeat(200),
            "'" + "{".repeat(200), "{ unclosed closure", "[a=", "\"${\"", "$((1+", "`tick")), Expect.REFUSED);
    }

    // ---------------------------------------------------------------- helpers

    private Input invoke(Kind kind, String op, Object[] args, String... signature) {
        return invoke(kind, op, args, Expect.REFUSED, signature);
    }

    private Input invoke(Kind kind, String op, Object[] args, Expect expect, String... signature) {
        return new Input(kind, Channel.JMX, op + show(args), expect, s -> s.invoke(bean, op, args, signature), null,
            false);
    }

    private Input on(Kind kind, ObjectName target, String op, Object[] args, String... signature) {
        return new Input(kind, Channel.JMX, op + show(args) + " on " + show(target.toString()), Expect.REFUSED,
            s -> s.invoke(target, op, args, signature), null, false);
    }

    private Input call(Kind kind, String what, Expect expect, JmxCall call) {
        return new Input(kind, Channel.JMX, what, expect, call, null, false);
    }

    private Input line(Kind kind, String line, Expect expect) {
        return line(kind, line, expect, false);
    }

    private Input line(Kind kind, String line, Expect expect, boolean removal) {
        return new Input(kind, Channel.SHELL, show(line), expect, null, () -> line, removal);
    }

    private String absent() {
        return ABSENT + random.nextInt(1_000_000);
    }

    private String existing() {
        return String.format("key:%06d", random.nextInt(99_000));
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    private static Object[] args(Object... args) {
        return args;
    }

    /** An argument list, each long or odd text shortened and escaped, for a failure message. */
    private static String show(Object[] args) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < args.length; i++) {
            b.append(i == 0 ? "" : ", ").append(args[i] instanceof String ? show((String) args[i])
                : args[i] == null ? "null" : args[i].getClass().getSimpleName() + " " + args[i]);
        }
        return b.append(')').toString();
    }

    /** A text shortened to 60 characters and escaped, with its length when cut. */
    static String show(String text) {
        String cut = text.length() > 60 ? text.substring(0, 60) : text;
        StringBuilder b = new StringBuilder("'");
        for (char c : cut.toCharArray()) {
            b.append(c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)
                || c == 0x202E || c == 0xFEFF ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        b.append('\'');
        return text.length() > 60 ? b + "... (" + text.length() + " characters)" : b.toString();
    }

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(name, e);
        }
    }
}
