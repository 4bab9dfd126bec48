package io.lapse.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Section H's hit ratio: the share of the Zipfian sequence's reads that a heap of a tenth of the
 * keys serves without reading the file, for each {@link LevelSubject}, after a prefill of every key
 * (which leaves the heap holding the last keys written) and from there on every access counted,
 * one thread.
 */
final class LevelHitRatio {

    /** One subject's figure. */
    static final class Figure {
        final LevelSubject subject;
        final long reads;
        final long fromFile;

        Figure(LevelSubject subject, long reads, long fromFile) {
            this.subject = subject;
            this.reads = reads;
            this.fromFile = fromFile;
        }

        double heapHitRatio() {
            return 1.0 - (double) fromFile / reads;
        }
    }

    private LevelHitRatio() {
    }

    static List<Figure> measure(int accesses) throws IOException {
        ZipfKeys z = new ZipfKeys(42);
        List<Figure> figures = new ArrayList<>();
        for (LevelSubject subject : LevelSubject.values()) {
            Path folder = Files.createTempDirectory("lapse-bench-level-ratio");
            try (LevelSubject.Measured store = subject.create(folder, LevelSubject.HEAP_CAPACITY)) {
                for (int i = 0; i < z.keys.length; i++) {
                    store.put(z.keys[i], z.values[i]);
                }
                long before = store.levelReads();
                for (int i = 0; i < accesses; i++) {
                    if (store.get(z.sequence[i & ZipfKeys.MASK]) == null) {
                        throw new IllegalStateException(subject + " lost a key");
                    }
                }
                figures.add(new Figure(subject, accesses, store.levelReads() - before));
            } finally {
                try (Stream<Path> files = Files.walk(folder)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        return figures;
    }
}
