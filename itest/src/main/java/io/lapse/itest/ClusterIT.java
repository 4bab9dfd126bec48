package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.cache.replication.Replica;
import io.lapse.cache.replication.ReplicationStatus;
import io.lapse.testing.Await;

/**
 * The cluster bundle in a real framework, configured as a user configures it: with the PID
 * {@code io.lapse.cluster} it starts a Hazelcast member on loopback, replicates every cache
 * configured with {@code replicate=true}, and reports each one's state to the cache's MBean and to
 * {@code cache:cluster}; without the PID it starts nothing; deleting the PID stops the member and
 * withdraws every status. (Replication between nodes is shown with several JVMs; here, one node
 * is the whole cluster.)
 */
class ClusterIT {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private static final Duration MEMBER_START = Duration.ofSeconds(60);

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static CommandProcessor commandProcessor;

    private static Caches caches;

    @BeforeAll
    static void caches() {
        caches = new Caches(context, configAdmin);
    }

    @AfterAll
    static void deleteEverything() throws Exception {
        caches.deleteAll();
        Configuration cluster = configAdmin.getConfiguration("io.lapse.cluster", "?");
        cluster.delete();
    }

    private static ReplicationStatus status(String cache) throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences(ReplicationStatus.class.getName(),
            "(cache.name=" + cache + ")");
        return refs == null ? null : (ReplicationStatus) context.getService(refs[0]);
    }

    @Test
    void aConfiguredNodeReplicatesTheCachesThatAskAndReportsThem() throws Exception {
        Cache shared = caches.create("shared", "replicate", true, "expiry_events", "every-node");
        caches.create("local");
        assertEquals(Bundle.ACTIVE, Bundles.named(context, "io.lapse.cluster").getState());
        assertEquals(Bundle.ACTIVE, Bundles.named(context, "com.hazelcast").getState());
        assertEquals(1, context.getServiceReferences(Replica.class.getName(), "(cache.name=shared)").length,
            "the replicated cache offers its Replica");
        assertEquals(null, context.getServiceReferences(Replica.class.getName(), "(cache.name=local)"));
        assertEquals(null, status("shared"), "no member runs without the cluster's configuration");

        Configuration cluster = configAdmin.getConfiguration("io.lapse.cluster", "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("cluster_name", "lapse-itest");
        properties.put("members", new String[] {"127.0.0.1:5861"});
        properties.put("port", 5861);
        properties.put("port_count", 1);
        cluster.update(properties);

        ReplicationStatus status = Await.answer("the replicated cache's status, ready", MEMBER_START,
            () -> status("shared"), s -> s != null && s.state() == ReplicationStatus.State.READY);
        assertEquals(List.of("127.0.0.1:5861"), status.members());
        assertEquals(null, status("local"), "a cache that does not ask is not replicated");

        shared.put("k", "v");
        Await.until("the put sent to the cache's log", () -> status.changesSent() == 1);

        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=shared");
        assertEquals(1, SERVER.getAttribute(bean, "ClusterMembers"));
        assertEquals("ready", SERVER.getAttribute(bean, "ReplicationState"));
        assertEquals(1L, SERVER.getAttribute(bean, "ChangesSent"));
        assertEquals("none", SERVER.getAttribute(new ObjectName("io.lapse:type=Cache,name=local"), "ReplicationState"));

        try (GogoSession shell = new GogoSession(commandProcessor)) {
            String out = shell.run("cache:cluster");
            assertTrue(out.startsWith("members: 127.0.0.1:5861 (this node)"), out);
            assertTrue(out.contains("shared"), out);
        }

        cluster.delete();
        Await.until("every status withdrawn once the cluster's configuration is gone", () -> {
            try {
                return status("shared") == null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // the management bundle hears of the status's going as a service event of its own
        Await.until("the MBean reads the cache as not replicated", () -> {
            try {
                return "none".equals(SERVER.getAttribute(bean, "ReplicationState"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        shared.put("after", "the member stopped");
        assertEquals("the member stopped", shared.get("after"), "the cache works on without the cluster");
    }
}
