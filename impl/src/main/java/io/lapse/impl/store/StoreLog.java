package io.lapse.impl.store;

/**
 * Where a store's messages go: the OSGi log in the bundle, anything in tests. Implementations
 * must be safe for use by several threads at once and must not throw.
 */
public interface StoreLog {

    /** @param message what happened */
    void info(String message);

    /** @param message what went wrong, with no harm done to data */
    void warn(String message);

    /**
     * @param message what failed and what it means for the data
     * @param cause the failure, or {@code null}
     */
    void error(String message, Throwable cause);
}
