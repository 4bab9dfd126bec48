package io.lapse.jmx.admin;

import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * Turns what a management operation threw into an exception any client can load and read on
 * one line: a remote JMX client, or a shell that prints the message.
 *
 * <p>A remote client deserializes the exception inside the {@code RuntimeMBeanException} it
 * receives: a Lapse class there would fail to load, and the stack trace would show the
 * server's internals. So each failure is rethrown as a fresh {@link IllegalArgumentException}
 * (bad input: also a {@link NullPointerException}, {@link NoSuchElementException} or
 * {@link ArithmeticException} from the cache) or {@link IllegalStateException} (the cache
 * cannot serve the call), carrying the message on one line, no cause and an empty stack trace.
 *
 * <h2>Bugs and Errors</h2>
 * Any other {@code RuntimeException} is a bug, and an {@link Error} ({@link OutOfMemoryError},
 * {@link StackOverflowError}, a {@link LinkageError} after a bundle refresh, an
 * {@link AssertionError}...) a failure of the JVM or of the code: either is logged here once,
 * with its stack trace, and the caller gets an {@code IllegalStateException} of one line naming
 * the operation, the cache and what was thrown, e.g. {@code countKeysMatching on cache 'users'
 * failed: OutOfMemoryError: Java heap space; details in the server log}. Converting an Error is
 * sane at this boundary: it was thrown in the thread of one management call, which ends here
 * and holds no lock of the cache any more, so the call fails and the server goes on, as it would
 * for any other failed call. The one Error that passes unchanged is {@link ThreadDeath}: it is
 * the request to stop the thread, which must reach the thread's top.
 *
 * <p>Stateless; safe for use by any number of threads.
 */
public final class CleanErrors {

    private static final StackTraceElement[] NO_TRACE = new StackTraceElement[0];
    private static final System.Logger LOG = System.getLogger(CleanErrors.class.getName());

    private CleanErrors() {
    }

    /**
     * Runs an operation, translating its failure.
     *
     * @param cache the cache it works on, for the message and log of an unexpected failure;
     *     {@code null} for an operation on every cache
     * @param operation the operation's name, for the message and log of an unexpected failure
     * @param call the operation
     * @param <T> what it returns
     * @return what it returned
     * @throws IllegalArgumentException if the input was refused
     * @throws IllegalStateException if the cache could not serve the call, or the call failed
     *     unexpectedly (a bug or an {@link Error}, logged here)
     * @throws ThreadDeath if the thread is being stopped
     */
    public static <T> T call(String cache, String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException | NullPointerException | ArithmeticException
            | NoSuchElementException e) {
            throw clean(new IllegalArgumentException(oneLine(e.getMessage())));
        } catch (IllegalStateException | UnsupportedOperationException e) {
            throw clean(new IllegalStateException(oneLine(e.getMessage())));
        } catch (RuntimeException e) {
            throw unexpected(cache, operation, e);
        } catch (ThreadDeath e) {
            throw e;
        } catch (Error e) {
            throw unexpected(cache, operation, e);
        }
    }

    /** As {@link #call(String, String, Supplier)}, for an operation that returns nothing. */
    public static void run(String cache, String operation, Runnable call) {
        call(cache, operation, () -> {
            call.run();
            return null;
        });
    }

    /**
     * Logs an unexpected failure once, with its stack trace, and returns the clean exception the
     * caller gets: for a failure of any type that a callee promised never to throw (a bug there),
     * which {@link #call} would otherwise pass on as an expected refusal.
     *
     * @param cache the cache the operation works on, {@code null} for every cache
     * @param operation the operation's name
     * @param thrown what was thrown
     * @return an {@code IllegalStateException} of one line naming the operation, the cache and
     *     what was thrown, with no cause and an empty stack trace
     */
    public static IllegalStateException unexpected(String cache, String operation, Throwable thrown) {
        String what = operation + (cache == null ? "" : " on cache '" + cache + "'");
        try {
            LOG.log(System.Logger.Level.ERROR, "Lapse management operation " + oneLine(what) + " failed", thrown);
        } catch (VirtualMachineError logFailed) {
            // No memory or stack left to log with: the caller still learns of the failure below.
        }
        return clean(new IllegalStateException(oneLine(what + " failed: " + thrown.getClass().getSimpleName()
            + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage()) + "; details in the server log")));
    }

    /**
     * Empties an exception's stack trace, so that no client or shell that prints it shows the
     * server's internals.
     *
     * @param e a fresh exception, with no cause
     * @param <E> its type
     * @return {@code e}
     */
    public static <E extends RuntimeException> E clean(E e) {
        e.setStackTrace(NO_TRACE);
        return e;
    }

    /**
     * Escapes line breaks, which a key or pattern in a message may hold, so the message stays one
     * line whatever reads it: CR and LF as {@code \\r} and {@code \\n}; the other characters that
     * break a line somewhere (VT, FF, NEL, and Unicode's line and paragraph separators U+2028 and
     * U+2029) as {@code \\u} escapes.
     *
     * @param message a message, or {@code null}
     * @return the message on one line
     */
    public static String oneLine(String message) {
        if (message == null) {
            return "no detail given";
        }
        StringBuilder out = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            String escape = c == '\r' ? "\\r" : c == '\n' ? "\\n" : breaksALine(c) ? String.format("\\u%04x", (int) c) : null;
            if (escape != null && out == null) {
                out = new StringBuilder(message.length() + 8).append(message, 0, i);
            }
            if (out != null) {
                out.append(escape != null ? escape : String.valueOf(c));
            }
        }
        return out == null ? message : out.toString();
    }

    /**
     * Tells whether a character other than CR and LF ends a line for some reader.
     *
     * @param c a character
     * @return whether it is VT, FF, NEL, U+2028 or U+2029
     */
    public static boolean breaksALine(char c) {
        return c == '\u000B' || c == '\u000C' || c == '\u0085' || c == '\u2028' || c == '\u2029';
    }
}
