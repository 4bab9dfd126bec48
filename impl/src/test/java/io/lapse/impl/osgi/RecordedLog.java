package io.lapse.impl.osgi;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * An OSGi Log Service that keeps what is logged, as lines {@code LEVEL message}: a
 * {@link LoggerFactory} (a proxy) whose loggers record their {@code info}, {@code warn} and
 * {@code error} calls. Thread safety: any thread.
 */
final class RecordedLog {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger = FakeFramework.proxy(Logger.class, (proxy, method, args) -> {
        String name = method.getName();
        if ((name.equals("info") || name.equals("warn") || name.equals("error")) && args != null
            && args[0] instanceof String) {
            lines.add(name.toUpperCase() + " " + args[0]);
            return null;
        }
        return FakeFramework.objectCall(proxy, method, args);
    });
    private final LoggerFactory factory = FakeFramework.proxy(LoggerFactory.class, (proxy, method, args) -> {
        if (method.getName().equals("getLogger") && method.getReturnType() == Logger.class) {
            return logger;
        }
        return FakeFramework.objectCall(proxy, method, args);
    });

    /** @return the log service to give a component */
    LoggerFactory factory() {
        return factory;
    }

    /** @return a log of one component class, as the components make theirs */
    ComponentLog of(Class<?> owner) {
        return new ComponentLog(() -> factory, owner);
    }

    /** @return every line so far */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** @return the lines of one level ({@code INFO}, {@code WARN}, {@code ERROR}) */
    List<String> lines(String level) {
        return lines.stream().filter(l -> l.startsWith(level + " ")).collect(Collectors.toList());
    }

    @Override
    public String toString() {
        return String.join("\n", lines);
    }
}
