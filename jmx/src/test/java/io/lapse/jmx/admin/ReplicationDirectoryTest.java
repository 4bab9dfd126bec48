package io.lapse.jmx.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheService;
import io.lapse.cache.replication.ReplicationStatus;
import io.lapse.cache.replication.ReplicationStatus.State;

class ReplicationDirectoryTest {

    private final ReplicationDirectory directory = new ReplicationDirectory();
    private final ReplicationStatus sessions = status(State.READY);
    private final ReplicationStatus routes = status(State.JOINING);

    @Test
    void findsEachStatusUnderItsCacheFollowsARenameAndForgetsARemoval() {
        assertEquals(Optional.empty(), directory.find("sessions"));
        assertTrue(directory.byCache().isEmpty());

        directory.addStatus(sessions, Map.of(CacheService.CACHE_NAME, "sessions"));
        directory.addStatus(routes, Map.of(CacheService.CACHE_NAME, "routes"));
        assertSame(sessions, directory.find("sessions").orElseThrow());
        assertSame(routes, directory.find("routes").orElseThrow());
        assertEquals(List.of("routes", "sessions"), List.copyOf(directory.byCache().keySet()), "sorted by name");

        directory.updatedStatus(sessions, Map.of(CacheService.CACHE_NAME, "users"));
        assertEquals(Optional.empty(), directory.find("sessions"), "the old name lets it go");
        assertSame(sessions, directory.find("users").orElseThrow());
        assertEquals(List.of("routes", "users"), List.copyOf(directory.byCache().keySet()));

        directory.removeStatus(sessions);
        assertEquals(Optional.empty(), directory.find("users"));
        assertEquals(List.of("routes"), List.copyOf(directory.byCache().keySet()));
        directory.removeStatus(sessions);
        directory.removeStatus(routes);
        assertTrue(directory.byCache().isEmpty());
        assertEquals(Optional.empty(), directory.find(null), "a null name finds nothing");
    }

    @Test
    void aStatusThatLeavesANameKeepsTheOneThatTookIt() {
        directory.addStatus(sessions, Map.of(CacheService.CACHE_NAME, "sessions"));
        directory.addStatus(routes, Map.of(CacheService.CACHE_NAME, "sessions"));
        assertSame(routes, directory.find("sessions").orElseThrow(), "the latest for a name answers");
        directory.removeStatus(sessions);
        assertSame(routes, directory.find("sessions").orElseThrow(), "removing the older one keeps the newer");
    }

    @Test
    void theListingIsASnapshotNobodyCanChange() {
        directory.addStatus(sessions, Map.of(CacheService.CACHE_NAME, "sessions"));
        SortedMap<String, ReplicationStatus> listed = directory.byCache();
        directory.removeStatus(sessions);
        assertSame(sessions, listed.get("sessions"));
        assertThrows(UnsupportedOperationException.class, () -> listed.put("routes", routes));
        assertTrue(ReplicationStatuses.NONE.byCache().isEmpty());
        assertEquals(Optional.empty(), ReplicationStatuses.NONE.find("sessions"));
    }

    @Test
    void addsRenamesAndRemovalsFromManyThreadsLeaveEachStatusUnderItsLastName() throws Exception {
        int threads = 4;
        int each = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Future<?>[] done = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done[t] = pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        ReplicationStatus status = status(State.READY);
                        directory.addStatus(status, Map.of(CacheService.CACHE_NAME, "c" + thread + "-" + i));
                        directory.updatedStatus(status, Map.of(CacheService.CACHE_NAME, "r" + thread + "-" + i));
                        if (i % 2 == 0) {
                            directory.removeStatus(status);
                        }
                    }
                });
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        SortedMap<String, ReplicationStatus> all = directory.byCache();
        assertEquals(threads * each / 2, all.size());
        assertTrue(all.keySet().stream().allMatch(n -> n.startsWith("r")), "only the renamed names: " + all.keySet());
    }

    private static ReplicationStatus status(State state) {
        return new FixedReplicationStatus(state, List.of("127.0.0.1:7001"), 0, 0, 0, 0, 0);
    }
}
