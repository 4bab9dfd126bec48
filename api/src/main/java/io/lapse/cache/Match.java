package io.lapse.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link Cache#removeKeys}, {@link Cache#removeValues}, {@link Cache#countKeys} and
 * {@link Cache#countValues} select: a regular expression, a prefix or a glob.
 *
 * <ul>
 * <li>{@link #regex}: RE2 syntax, run by a linear-time engine, so no pattern can make a match
 * take more than time proportional to the text. It matches when found anywhere in the text, as
 * htable's {@code sht_rm_name_re} does; anchor it with {@code ^} and {@code $} to match whole
 * texts.</li>
 * <li>{@link #prefix}: the text starts with the pattern, as htable's {@code sw} operator.</li>
 * <li>{@link #glob}: the whole text matches, where {@code *} stands for any run of characters
 * (none included) and {@code ?} for exactly one; every other character stands for itself.</li>
 * </ul>
 *
 * <p>Instances are immutable. A regex is checked where it is used: an invalid one makes that
 * call throw {@link IllegalArgumentException} with the position of the error, and so does one too
 * complex to compile safely: counted repetitions multiply through their nesting, so that
 * {@code ((a{1000}){1000}){1000}} would expand to a billion steps; a pattern whose repetitions
 * expand past 5,000 steps is refused.
 *
 * <h2>Budget</h2>
 * A linear-time engine still costs time in proportion to the text times the size of the
 * pattern's program, and a cache may hold millions of entries and values of megabytes. So every
 * call that matches runs under a budget of time, {@link #DEFAULT_BUDGET} unless
 * {@link #within(Duration)} gives another. The cache matches outside its slot locks, a bounded
 * chunk of entries at a time, so a match never holds up reads, writes or expiry however long it
 * runs; past its budget, or before a single text whose size the pattern could not get through
 * within what is left of it, the call stops with {@link IllegalStateException} saying how far it
 * got. What a remove did until then stays done, and is reported.
 */
public final class Match {

    /** The longest pattern accepted, in characters. */
    public static final int MAX_PATTERN_LENGTH = 1024;

    /** How long a call may spend matching when the match gives no budget of its own: 10 seconds. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(10);

    /** The longest budget accepted: an hour. */
    public static final Duration MAX_BUDGET = Duration.ofHours(1);

    /** The kinds of match. */
    public enum Kind {
        /** A regular expression found anywhere in the text. */
        REGEX,
        /** A prefix of the text. */
        PREFIX,
        /** A glob that matches the whole text. */
        GLOB
    }

    private final Kind kind;
    private final String pattern;
    private final Duration budget;

    private Match(Kind kind, String pattern, Duration budget) {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.length() > MAX_PATTERN_LENGTH) {
            throw new IllegalArgumentException(kind.name().toLowerCase() + " pattern of " + pattern.length()
                + " characters is longer than the limit of " + MAX_PATTERN_LENGTH);
        }
        this.kind = kind;
        this.pattern = pattern;
        this.budget = budget;
    }

    private Match(Kind kind, String pattern) {
        this(kind, pattern, DEFAULT_BUDGET);
    }

    /**
     * A regular expression (RE2 syntax) found anywhere in the text.
     *
     * @param pattern the expression
     * @return the match
     * @throws NullPointerException if {@code pattern} is null
     * @throws IllegalArgumentException if it is longer than {@link #MAX_PATTERN_LENGTH}
     */
    public static Match regex(String pattern) {
        return new Match(Kind.REGEX, pattern);
    }

    /**
     * A prefix; the empty prefix matches everything.
     *
     * @param prefix the prefix
     * @return the match
     * @throws NullPointerException if {@code prefix} is null
     * @throws IllegalArgumentException if it is longer than {@link #MAX_PATTERN_LENGTH}
     */
    public static Match prefix(String prefix) {
        return new Match(Kind.PREFIX, prefix);
    }

    /**
     * A glob with {@code *} and {@code ?} wildcards that matches the whole text.
     *
     * @param glob the glob, e.g. {@code myitem*}
     * @return the match
     * @throws NullPointerException if {@code glob} is null
     * @throws IllegalArgumentException if it is longer than {@link #MAX_PATTERN_LENGTH}
     */
    public static Match glob(String glob) {
        return new Match(Kind.GLOB, glob);
    }

    /**
     * Returns the kind.
     *
     * @return the kind, never {@code null}
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Returns the pattern as given.
     *
     * @return the pattern, never {@code null}
     */
    public String pattern() {
        return pattern;
    }

    /**
     * Returns this match with another budget: how long a call may spend matching it.
     *
     * @param time the budget, more than zero and at most {@link #MAX_BUDGET}
     * @return a match of the same kind and pattern with that budget
     * @throws NullPointerException if {@code time} is null
     * @throws IllegalArgumentException if it is zero, negative or longer than {@link #MAX_BUDGET}
     */
    public Match within(Duration time) {
        Objects.requireNonNull(time, "budget");
        if (time.isNegative() || time.isZero() || time.compareTo(MAX_BUDGET) > 0) {
            throw new IllegalArgumentException("match budget " + time + " is outside (0, " + MAX_BUDGET + "]");
        }
        return new Match(kind, pattern, time);
    }

    /**
     * Returns how long a call may spend matching.
     *
     * @return the budget, {@link #DEFAULT_BUDGET} unless {@link #within} set another
     */
    public Duration budget() {
        return budget;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Match && ((Match) o).kind == kind && ((Match) o).pattern.equals(pattern)
            && ((Match) o).budget.equals(budget);
    }

    @Override
    public int hashCode() {
        return (kind.hashCode() * 31 + pattern.hashCode()) * 31 + budget.hashCode();
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase() + " '" + pattern + "'"
            + (budget.equals(DEFAULT_BUDGET) ? "" : " within " + budget.toMillis() + " ms");
    }
}
