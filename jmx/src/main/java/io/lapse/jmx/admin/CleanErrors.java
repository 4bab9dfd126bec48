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
 * Any other {@code RuntimeException} is a bug: it is logged here with its stack trace and the
 * caller gets an {@code IllegalStateException} naming the operation. Errors ({@code
 * OutOfMemoryError}...) pass unchanged: they are the JDK's own classes.
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
     * @param operation the operation's name, for the message and log of an unexpected failure
     * @param call the operation
     * @param <T> what it returns
     * @return what it returned
     * @throws IllegalArgumentException if the input was refused
     * @throws IllegalStateException if the cache could not serve the call
     */
    public static <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException | NullPointerException | ArithmeticException
            | NoSuchElementException e) {
            throw clean(new IllegalArgumentException(oneLine(e.getMessage())));
        } catch (IllegalStateException | UnsupportedOperationException e) {
            throw clean(new IllegalStateException(oneLine(e.getMessage())));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Lapse management operation " + operation + " failed", e);
            throw clean(new IllegalStateException(operation + " failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage()))));
        }
    }

    /** As {@link #call(String, Supplier)}, for an operation that returns nothing. */
    public static void run(String operation, Runnable call) {
        call(operation, () -> {
            call.run();
            return null;
        });
    }

    private static <E extends RuntimeException> E clean(E e) {
        e.setStackTrace(NO_TRACE);
        return e;
    }

    /**
     * Escapes line breaks, which a key in a message may hold, so the message stays one line.
     *
     * @param message a message, or {@code null}
     * @return the message with CR and LF written as {@code \\r} and {@code \\n}
     */
    public static String oneLine(String message) {
        if (message == null) {
            return "no detail given";
        }
        return message.replace("\r", "\\r").replace("\n", "\\n");
    }
}
