package io.lapse.jmx.admin;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the bundle's code logged through {@link System.Logger} under one logger name, as the JDK's
 * default logger finder hands it to {@code java.util.logging}. Close it to stop listening.
 */
public final class LogRecords implements AutoCloseable {

    /** Held so that the logger, and the handler on it, are not collected while listening. */
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** @param owner the class whose logger (named after it) to listen to */
    public LogRecords(Class<?> owner) {
        logger = Logger.getLogger(owner.getName());
        logger.addHandler(handler);
    }

    /** @return the records so far, oldest first */
    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
