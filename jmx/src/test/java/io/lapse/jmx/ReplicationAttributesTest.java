package io.lapse.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.management.AttributeList;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.lapse.cache.CacheService;
import io.lapse.cache.replication.ReplicationStatus;
import io.lapse.cache.replication.ReplicationStatus.State;
import io.lapse.impl.engine.CacheSettings;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Clock;
import io.lapse.impl.engine.TableListener;
import io.lapse.impl.engine.TimeSource;
import io.lapse.jmx.admin.CleanErrors;
import io.lapse.jmx.admin.FixedReplicationStatus;
import io.lapse.jmx.admin.InterceptedCache;
import io.lapse.jmx.admin.LogRecords;
import io.lapse.jmx.admin.Reloader;
import io.lapse.jmx.admin.ReplicationDirectory;

/**
 * The cache MBean's replication attributes: read from the {@link ReplicationStatus} registered
 * for the cache's name, 0 and {@code none} for a cache without one, never from a snapshot of the
 * statistics.
 */
class ReplicationAttributesTest {

    private static final ReplicationStatus READY = new FixedReplicationStatus(State.READY,
        List.of("10.0.0.1:7400", "10.0.0.2:7400", "10.0.0.3:7400"), 5, 7, 2, 1.5, 12.25, 4);

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final TimeSource time = new TimeSource(Clock.system());
    private final CacheTable sessions = new CacheTable("sessions", CacheSettings.defaults(), time, TableListener.NONE);
    private final CacheTable users = new CacheTable("users", CacheSettings.defaults(), time, TableListener.NONE);
    private final ReplicationDirectory directory = new ReplicationDirectory();
    private final JmxExporter exporter = new JmxExporter(server, Reloader.NO_STORES, directory);
    private final ObjectName sessionsBean = JmxExporter.cacheObjectName("sessions");
    private final ObjectName usersBean = JmxExporter.cacheObjectName("users");

    @AfterEach
    void close() {
        exporter.deactivate();
        sessions.close();
        users.close();
    }

    @Test
    void aReplicatedCacheReadsItsStatusAndAnotherReadsZeroAndNone() throws Exception {
        exporter.addCache(sessions, Map.of(CacheService.CACHE_NAME, "sessions"));
        exporter.addCache(users, Map.of(CacheService.CACHE_NAME, "users"));
        exporter.activate(null);
        directory.addStatus(READY, Map.of(CacheService.CACHE_NAME, "sessions"));

        assertEquals(Map.of("ClusterMembers", 3, "ReplicationLagP99Millis", 12.25, "ChangesSent", 5L,
            "ChangesReceived", 7L, "ChangesDropped", 2L, "ReplicationState", "ready", "EventsDuplicated", 4L),
            replication(sessionsBean));
        assertEquals(notReplicated(), replication(usersBean), "users is not replicated");

        directory.addStatus(new FixedReplicationStatus(State.JOINING, List.of("10.0.0.1:7400"), 0, 0, 0, 0, 0),
            Map.of(CacheService.CACHE_NAME, "users"));
        assertEquals("joining", server.getAttribute(usersBean, "ReplicationState"));
        assertEquals(1, server.getAttribute(usersBean, "ClusterMembers"));

        directory.removeStatus(READY);
        assertEquals(notReplicated(), replication(sessionsBean), "the provider stopped replicating sessions");
    }

    @Test
    void theAttributesFollowTheStatusAndTheCacheThroughRenames() throws Exception {
        exporter.addCache(users, Map.of(CacheService.CACHE_NAME, "users"));
        exporter.activate(null);
        directory.addStatus(READY, Map.of(CacheService.CACHE_NAME, "users"));
        assertEquals(5L, server.getAttribute(usersBean, "ChangesSent"));

        directory.updatedStatus(READY, Map.of(CacheService.CACHE_NAME, "people"));
        assertEquals(notReplicated(), replication(usersBean), "the status moved to another name");

        users.rename("people");
        exporter.updatedCache(users, Map.of(CacheService.CACHE_NAME, "people"));
        ObjectName people = JmxExporter.cacheObjectName("people");
        assertEquals("ready", server.getAttribute(people, "ReplicationState"));
        assertEquals(7L, server.getAttribute(people, "ChangesReceived"));
    }

    @Test
    void aReplicationReadTakesNoSnapshotOfTheStatistics() throws Exception {
        InterceptedCache counted = new InterceptedCache(sessions);
        exporter.addCache(counted.cache(), Map.of(CacheService.CACHE_NAME, "sessions"));
        exporter.activate(null);
        directory.addStatus(READY, Map.of(CacheService.CACHE_NAME, "sessions"));
        counted.failing("stats", () -> new OutOfMemoryError("Java heap space"));
        counted.failing("size", () -> new OutOfMemoryError("Java heap space"));

        assertEquals(StatFiguresTest.REPLICATION.size(), replication(sessionsBean).size(), "every one read in one batch");
        for (String attribute : StatFiguresTest.REPLICATION) {
            assertNotNull(server.getAttribute(sessionsBean, attribute), attribute);
        }
        assertEquals(0, counted.calls("stats") + counted.calls("size"), "no pass over the cache");
    }

    @Test
    void aStatusThatThrowsAllTheSameFailsTheReadOnOneLineNamingTheCache() throws Exception {
        ReplicationStatus broken = new FixedReplicationStatus(State.READY, List.of(), 9, 0, 0, 0, 0) {
            @Override
            public State state() {
                throw new IllegalStateException("provider\nbroken");
            }
        };
        exporter.addCache(sessions, Map.of(CacheService.CACHE_NAME, "sessions"));
        exporter.activate(null);
        directory.addStatus(broken, Map.of(CacheService.CACHE_NAME, "sessions"));

        try (LogRecords log = new LogRecords(CleanErrors.class)) {
            RuntimeMBeanException e = assertThrows(RuntimeMBeanException.class,
                () -> server.getAttribute(sessionsBean, "ReplicationState"));
            assertEquals(IllegalStateException.class, e.getCause().getClass());
            assertEquals("ReplicationState on cache 'sessions' failed: IllegalStateException: provider\\nbroken;"
                + " details in the server log", e.getCause().getMessage());
            assertNull(e.getCause().getCause());
            assertEquals(0, e.getCause().getStackTrace().length);
            assertEquals(1, log.records().size(), "the provider's bug is logged with its trace: " + log.records());
            assertEquals("provider\nbroken", log.records().get(0).getThrown().getMessage());
        }
        assertEquals(9L, server.getAttribute(sessionsBean, "ChangesSent"), "the other reads go on");
    }

    /** The replication attributes of a cache's MBean, read in one getAttributes call. */
    private Map<String, Object> replication(ObjectName bean) throws Exception {
        AttributeList values = server.getAttributes(bean, StatFiguresTest.REPLICATION.toArray(new String[0]));
        Map<String, Object> byName = new HashMap<>();
        values.asList().forEach(a -> byName.put(a.getName(), a.getValue()));
        return byName;
    }

    private static Map<String, Object> notReplicated() {
        return Map.of("ClusterMembers", 0, "ReplicationLagP99Millis", 0.0, "ChangesSent", 0L, "ChangesReceived", 0L,
            "ChangesDropped", 0L, "ReplicationState", "none", "EventsDuplicated", 0L);
    }
}
