package io.lapse.jmx.shell;

/**
 * How a shell message shows what was typed: in quotes, and cut after {@value #SHOWN} characters
 * with the full length, so that a megabyte typed or pasted by mistake gives a short message.
 * Control characters are escaped later, with the whole message ({@link TextTable#printable}).
 *
 * <p>Stateless; safe for use by any number of threads.
 */
final class Typed {

    /** The most characters of a typed text a message shows. */
    static final int SHOWN = 60;

    private Typed() {
    }

    /**
     * Quotes a typed text for a message.
     *
     * @param text what was typed
     * @return {@code 'text'}, or {@code 'start...' (n characters)} for a longer one
     */
    static String quote(String text) {
        if (text.length() <= SHOWN) {
            return "'" + text + "'";
        }
        // never cut a surrogate pair in two
        int end = Character.isHighSurrogate(text.charAt(SHOWN - 1)) ? SHOWN - 1 : SHOWN;
        return "'" + text.substring(0, end) + "...' (" + text.length() + " characters)";
    }
}
