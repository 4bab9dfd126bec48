package io.lapse.jmx;

import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * Turns what an MXBean operation threw into an exception any JMX client can load and read.
 *
 * <p>A remote client deserializes the exception inside the {@code RuntimeMBeanException} it
 * receives: a Lapse class there would fail to load, and the stack trace would show the
 * server's internals. So each failure is rethrown as a fresh {@link IllegalArgumentException}
 * (bad input: also a {@link NullPointerException}, {@link java.util.NoSuchElementException} or
 * {@link ArithmeticException} from the cache) or {@link IllegalStateException} (the cache
 * cannot serve the call), carrying the message on one line, no cause and an empty stack trace.
 * Anything else is a bug: it is logged here with its stack trace and the client gets an
 * {@code IllegalStateException} naming the operation.
 *
 * <p>Stateless; safe for use by any number of threads.
 */
final class ClientErrors {

    private static final StackTraceElement[] NO_TRACE = new StackTraceElement[0];
    private static final System.Logger LOG = System.getLogger(ClientErrors.class.getName());

    private ClientErrors() {
    }

    /**
     * Runs an operation, translating its failure.
     *
     * @param operation the operation's name, for the message of an unexpected failure
     * @param call the operation
     * @param <T> what it returns
     * @return what it returned
     * @throws IllegalArgumentException if the input was refused
     * @throws IllegalStateException if the cache could not serve the call
     */
    static <T> T call(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (IllegalArgumentException | NullPointerException | ArithmeticException
            | NoSuchElementException e) {
            throw clean(new IllegalArgumentException(oneLine(e.getMessage())));
        } catch (IllegalStateException | UnsupportedOperationException e) {
            throw clean(new IllegalStateException(oneLine(e.getMessage())));
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "Lapse MBean operation " + operation + " failed", e);
            throw clean(new IllegalStateException(operation + " failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage()))));
        }
    }

    /** As {@link #call(String, Supplier)}, for an operation that returns nothing. */
    static void run(String operation, Runnable call) {
        call(operation, () -> {
            call.run();
            return null;
        });
    }

    private static <E extends RuntimeException> E clean(E e) {
        e.setStackTrace(NO_TRACE);
        return e;
    }

    /** Line breaks (a key may hold any character) would make the client's one-line message several. */
    static String oneLine(String message) {
        if (message == null) {
            return "no detail given";
        }
        return message.replace("\r", "\\r").replace("\n", "\\n");
    }
}
