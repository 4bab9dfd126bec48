package io.lapse.impl.engine;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import io.lapse.cache.Match;

/**
 * A compiled {@link Match}. Regexes and globs run on RE2/J, whose time is linear in the text for
 * a given pattern, so no pattern can hang a sweep of the table (as {@code (a+)+$} would with
 * {@code java.util.regex}). Immutable and safe for use by any number of threads.
 */
final class TextMatcher {

    private final Match match;
    private final Pattern pattern;
    private final long cost;

    private TextMatcher(Match match, Pattern pattern, long cost) {
        this.match = match;
        this.pattern = pattern;
        this.cost = cost;
    }

    /**
     * Compiles a match.
     *
     * @param cache the cache name, for messages
     * @param what what the match selects by, for messages: {@code "key regex"} or {@code "value regex"}
     * @param match the match
     * @throws NullPointerException if {@code match} is null
     * @throws IllegalArgumentException if the regex is invalid, with the position of the error,
     *     or too complex to compile safely (see {@link RegexBudget})
     */
    static TextMatcher compile(String cache, String what, Match match) {
        if (match == null) {
            throw new NullPointerException("cache '" + cache + "': match is null");
        }
        switch (match.kind()) {
            case PREFIX:
                return new TextMatcher(match, null, 0);
            case GLOB:
                String regex = globToRegex(match.pattern());
                return new TextMatcher(match, Pattern.compile(regex, Pattern.DOTALL), programCost(regex));
            case REGEX:
            default:
                RegexBudget.check(cache, what, match.pattern());
                try {
                    return new TextMatcher(match, Pattern.compile(match.pattern()), programCost(match.pattern()));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException(
                        "cache '" + cache + "': invalid regex '" + match.pattern() + "': " + e.getDescription(), e);
                }
        }
    }

    private static long programCost(String regex) {
        return Math.max(1, RegexBudget.expansion(regex));
    }

    /**
     * Returns the size of the pattern's program, as {@link RegexBudget} estimates it: what a
     * character of text costs to match, in units of {@link MatchBudget}.
     *
     * @return the estimate, at least 1; 0 for a prefix, whose cost does not grow with the text
     */
    long cost() {
        return cost;
    }

    /** @return the match this was compiled from */
    Match match() {
        return match;
    }

    private static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder(glob.length() + 8);
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return regex.toString();
    }

    /**
     * Tells whether a text matches.
     *
     * @param text the text, or {@code null} for a value that no match sees (a byte[])
     * @return {@code true} if it matches
     */
    boolean matches(String text) {
        if (text == null) {
            return false;
        }
        switch (match.kind()) {
            case PREFIX:
                return text.startsWith(match.pattern());
            case GLOB:
                return pattern.matches(text);
            case REGEX:
            default:
                return pattern.matcher(text).find();
        }
    }
}
