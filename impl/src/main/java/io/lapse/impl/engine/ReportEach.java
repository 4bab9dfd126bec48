package io.lapse.impl.engine;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/** Reports a batch of entries that left a table (nodes, or a level's rows), every one of them whatever happens to one. */
final class ReportEach {

    private ReportEach() {
    }

    /**
     * Reports every node even if reporting one fails with an {@link Error} (an out-of-memory while
     * building its event, most likely): that one is counted in {@code failed} and the first such
     * error is thrown once the others are reported. Caller holds no lock of the table.
     */
    static <T> void of(List<T> nodes, Consumer<? super T> reporter, LongAdder failed) {
        Error failure = null;
        for (int i = 0, n = nodes.size(); i < n; i++) {
            try {
                reporter.accept(nodes.get(i));
            } catch (Error e) {
                failed.increment();
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
