package io.lapse.itest;

import java.util.List;
import java.util.stream.Collectors;

/** The live threads of the JVM, by name. */
final class Threads {

    private Threads() {
    }

    static List<Thread> named(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
            .collect(Collectors.toList());
    }
}
