package io.lapse.impl.osgi;

import java.util.function.Supplier;

import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import io.lapse.impl.store.StoreLog;

/**
 * Logs through the OSGi Log Service when one is present (Felix Log, Karaf's Pax Logging) and
 * through the JDK's {@link System.Logger} otherwise, so a message is never lost for want of a
 * log service. Safe for use by any number of threads.
 */
final class ComponentLog implements StoreLog {

    private final Supplier<LoggerFactory> factory;
    private final Class<?> owner;

    ComponentLog(Supplier<LoggerFactory> factory, Class<?> owner) {
        this.factory = factory;
        this.owner = owner;
    }

    @Override
    public void info(String message) {
        LoggerFactory f = factory.get();
        if (f != null) {
            f.getLogger(owner).info(message);
        } else {
            System.getLogger(owner.getName()).log(System.Logger.Level.INFO, message);
        }
    }

    @Override
    public void warn(String message) {
        LoggerFactory f = factory.get();
        if (f != null) {
            f.getLogger(owner).warn(message);
        } else {
            System.getLogger(owner.getName()).log(System.Logger.Level.WARNING, message);
        }
    }

    @Override
    public void error(String message, Throwable cause) {
        LoggerFactory f = factory.get();
        if (f != null) {
            Logger logger = f.getLogger(owner);
            if (cause == null) {
                logger.error(message);
            } else {
                logger.error(message, cause);
            }
        } else {
            System.getLogger(owner.getName()).log(System.Logger.Level.ERROR, message, cause);
        }
    }
}
