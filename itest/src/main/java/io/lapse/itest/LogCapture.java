package io.lapse.itest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

import io.lapse.testing.Await;

/** Collects the log entries of the Lapse bundles, as the OSGi Log Service delivers them. */
final class LogCapture implements LogListener, AutoCloseable {

    private final LogReaderService reader;
    private final List<LogEntry> entries = new CopyOnWriteArrayList<>();

    LogCapture(LogReaderService reader) {
        this.reader = reader;
        reader.addLogListener(this);
    }

    @Override
    public void logged(LogEntry entry) {
        if (entry.getBundle() != null && entry.getBundle().getSymbolicName().startsWith("io.lapse")) {
            entries.add(entry);
        }
    }

    /** The messages logged so far that contain every one of the given fragments. */
    List<String> containing(String... fragments) {
        return entries.stream().map(LogEntry::getMessage)
            .filter(m -> {
                for (String f : fragments) {
                    if (!m.contains(f)) {
                        return false;
                    }
                }
                return true;
            })
            .collect(Collectors.toList());
    }

    /** Waits for a message containing every fragment, and returns it. */
    String await(String... fragments) {
        return Await.until("a log message containing " + String.join(" and ", fragments),
            () -> containing(fragments), list -> !list.isEmpty()).get(0);
    }

    @Override
    public void close() {
        reader.removeLogListener(this);
    }
}
