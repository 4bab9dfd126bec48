package io.lapse.impl.engine;

import java.util.ArrayDeque;

/**
 * Admits a regular expression only if it is small enough to compile and run quickly.
 *
 * <p>RE2/J matches in time linear in the text, but its compiled program, and so the cost per
 * character, grows with the pattern's counted repetitions multiplied through their nesting:
 * {@code ((a{1000}){1000}){1000}}, 23 characters, would expand to a billion instructions and
 * exhaust the heap while compiling. So a pattern is refused when a conservative estimate of its
 * expanded size exceeds {@value #MAX_EXPANSION} instructions. The estimate counts every literal,
 * class, escape and group as one, adds alternatives and multiplies a repeated item by its largest
 * count; it never underestimates what RE2/J builds. Syntax errors are left to RE2/J, which reports
 * their position.
 *
 * <p>Stateless; safe for use by any number of threads.
 */
final class RegexBudget {

    /** The largest estimated expansion accepted, in RE2 instructions. */
    static final int MAX_EXPANSION = 5_000;

    /** RE2 refuses counts above this, with its own message; they are not multiplied here. */
    private static final int MAX_RE2_COUNT = 1000;

    private RegexBudget() {
    }

    /**
     * Checks that a pattern stays within the budget.
     *
     * @param cache the cache name, for the message
     * @param what what the pattern is for, for the message, e.g. {@code "key regex"}
     * @param pattern the RE2 pattern, not null
     * @throws IllegalArgumentException if it expands past {@value #MAX_EXPANSION}, naming the cache,
     *     what the pattern is for and the pattern
     */
    static void check(String cache, String what, String pattern) {
        if (expansion(pattern) > MAX_EXPANSION) {
            throw new IllegalArgumentException("cache '" + cache + "': " + what + " '" + pattern
                + "' is too complex: its counted repetitions expand to more than " + MAX_EXPANSION
                + " steps; use fewer or smaller {n} counts");
        }
    }

    /**
     * Estimates the expanded size of a pattern, stopping early once it is past the limit.
     *
     * @param pattern an RE2 pattern, valid or not
     * @return the estimate; any value above {@value #MAX_EXPANSION} means "too large"
     */
    static long expansion(String pattern) {
        Sizes sizes = new Sizes();
        int i = 0;
        int n = pattern.length();
        while (i < n && sizes.total <= MAX_EXPANSION) {
            char c = pattern.charAt(i);
            switch (c) {
                case '\\':
                    if (i + 1 < n && pattern.charAt(i + 1) == 'Q') {
                        int end = pattern.indexOf("\\E", i + 2);
                        int stop = end < 0 ? n : end;
                        for (int k = i + 2; k < stop; k++) {
                            sizes.atom(1);
                        }
                        i = end < 0 ? n : end + 2;
                    } else {
                        i = skipEscape(pattern, i);
                        sizes.atom(1);
                    }
                    break;
                case '[':
                    i = skipClass(pattern, i);
                    sizes.atom(1);
                    break;
                case '(':
                    sizes.open();
                    i++;
                    break;
                case ')':
                    sizes.close();
                    i++;
                    break;
                case '|':
                    sizes.last = 0;
                    i++;
                    break;
                case '*':
                case '+':
                case '?':
                    sizes.repeat(1, 1);
                    i = skipLazy(pattern, i + 1);
                    break;
                case '{':
                    int[] count = new int[1];
                    int after = parseCount(pattern, i, count);
                    if (after < 0) {
                        sizes.atom(1);
                        i++;
                    } else {
                        sizes.repeat(count[0] > MAX_RE2_COUNT ? 1 : count[0], 1);
                        i = skipLazy(pattern, after);
                    }
                    break;
                default:
                    sizes.atom(1);
                    i++;
            }
        }
        return sizes.finish();
    }

    /** The running sizes of the open groups, innermost last. Not thread-safe: one per estimate. */
    private static final class Sizes {
        private final ArrayDeque<long[]> outer = new ArrayDeque<>();
        long total;
        long last;

        void atom(long size) {
            total += size;
            last = size;
        }

        /** The last item repeated up to {@code times}, plus {@code extra} for the loop itself. */
        void repeat(long times, long extra) {
            long grown = last * Math.max(times, 1) + extra;
            total += grown - last;
            last = grown;
        }

        void open() {
            outer.push(new long[] {total, last});
            total = 0;
            last = 0;
        }

        void close() {
            if (outer.isEmpty()) {
                atom(1); // an unmatched ')': RE2 reports it
                return;
            }
            long group = total + 1;
            long[] parent = outer.pop();
            total = parent[0] + group;
            last = group;
        }

        long finish() {
            while (!outer.isEmpty()) {
                close();
            }
            return total;
        }
    }

    /** Returns the index after an escape that starts at {@code i} (a backslash). */
    private static int skipEscape(String p, int i) {
        int n = p.length();
        if (i + 1 >= n) {
            return n;
        }
        char e = p.charAt(i + 1);
        if ((e == 'p' || e == 'P' || e == 'x') && i + 2 < n && p.charAt(i + 2) == '{') {
            int close = p.indexOf('}', i + 3);
            return close < 0 ? n : close + 1;
        }
        if ((e == 'p' || e == 'P') && i + 2 < n) {
            return i + 3;
        }
        return i + 2;
    }

    /** Returns the index after a character class that starts at {@code i} (a '['). */
    private static int skipClass(String p, int i) {
        int n = p.length();
        int k = i + 1;
        if (k < n && p.charAt(k) == '^') {
            k++;
        }
        if (k < n && p.charAt(k) == ']') {
            k++; // a leading ']' is a literal
        }
        while (k < n) {
            char c = p.charAt(k);
            if (c == ']') {
                return k + 1;
            }
            if (c == '\\') {
                k = skipEscape(p, k);
            } else if (c == '[' && k + 1 < n && p.charAt(k + 1) == ':') {
                int close = p.indexOf(":]", k + 2);
                k = close < 0 ? k + 1 : close + 2;
            } else {
                k++;
            }
        }
        return n;
    }

    /** Skips the '?' that makes a quantifier lazy. */
    private static int skipLazy(String p, int i) {
        return i < p.length() && p.charAt(i) == '?' ? i + 1 : i;
    }

    /**
     * Parses {@code {n}}, {@code {n,}} or {@code {n,m}} at {@code i}.
     *
     * @param count receives the largest count it allows ({@code n + 1} for an open range)
     * @return the index after the closing brace, or -1 if this is a literal '{'
     */
    private static int parseCount(String p, int i, int[] count) {
        int n = p.length();
        int lowEnd = digitsEnd(p, i + 1);
        if (lowEnd == i + 1 || lowEnd >= n) {
            return -1;
        }
        int low = Integer.parseInt(p.substring(i + 1, lowEnd));
        int high = low;
        int k = lowEnd;
        if (p.charAt(k) == ',') {
            int highEnd = digitsEnd(p, k + 1);
            high = highEnd == k + 1 ? low + 1 : Math.max(low, Integer.parseInt(p.substring(k + 1, highEnd)));
            k = highEnd;
        }
        if (k >= n || p.charAt(k) != '}') {
            return -1;
        }
        count[0] = high;
        return k + 1;
    }

    /** The end of the run of ASCII digits at {@code from}, at most 9 of them so that it fits an int. */
    private static int digitsEnd(String p, int from) {
        int k = from;
        while (k < p.length() && k - from < 9 && p.charAt(k) >= '0' && p.charAt(k) <= '9') {
            k++;
        }
        return k;
    }
}
