package io.lapse.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.QueueConfig;
import com.hazelcast.config.ReliableTopicConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.topic.TopicOverloadPolicy;

/**
 * A member's settings: defaults, the property types Configuration Admin hands over, errors that
 * name the property and the value; and the Hazelcast configuration made of them.
 */
class MemberSettingsTest {

    @Test
    void defaults() {
        MemberSettings s = MemberSettings.defaults();
        assertEquals("lapse", s.clusterName());
        assertEquals(List.of("127.0.0.1"), s.members());
        assertEquals(5701, s.port());
        assertEquals(10, s.portCount());
        assertEquals("127.0.0.1", s.networkInterface());
    }

    @Test
    void propertiesOfEveryTypeConfigurationAdminHandsOver() {
        MemberSettings s = MemberSettings.from(Map.of("cluster_name", " prod ", "members",
            new String[] {"10.0.0.1", "node-b.example.org:5801", "[::1]:5702"}, "port", "5801", "port_count", 3L,
            "interface", "10.0.0.*"));
        assertEquals("prod", s.clusterName());
        assertEquals(List.of("10.0.0.1", "node-b.example.org:5801", "[::1]:5702"), s.members());
        assertEquals(5801, s.port());
        assertEquals(3, s.portCount());
        assertEquals("10.0.0.*", s.networkInterface());
        assertEquals(List.of("a", "b:1"), MemberSettings.from(Map.of("members", " a , b:1 ,")).members());
        assertEquals(List.of("a"), MemberSettings.from(Map.of("members", List.of("a"))).members());
    }

    @Test
    void mistakesNameThePropertyAndTheValue() {
        assertRefused(Map.of("port", 0), "port 0");
        assertRefused(Map.of("port", 70_000), "port 70000");
        assertRefused(Map.of("port", "57o1"), "port '57o1'");
        assertRefused(Map.of("port", 5701.5), "port is a whole number");
        assertRefused(Map.of("port", 65_530, "port_count", 10), "port_count 10");
        assertRefused(Map.of("port_count", 0), "port_count 0");
        assertRefused(Map.of("cluster_name", "  "), "cluster_name is empty");
        assertRefused(Map.of("cluster_name", 7), "cluster_name is a text");
        assertRefused(Map.of("members", "a:b"), "members: 'a:b'");
        assertRefused(Map.of("members", "host:99999"), "members: 'host:99999' has port 99999");
        assertRefused(Map.of("members", "bad host"), "members: 'bad host'");
        assertRefused(Map.of("members", ":5701"), "members: ':5701'");
        assertRefused(Map.of("members", " , "), "members names no member");
        assertRefused(Map.of("members", List.of(5)), "members lists texts");
        assertRefused(Map.of("interface", "localhost"), "interface 'localhost'");
        assertRefused(Map.of("interface", "10.0.0.256"), "interface '10.0.0.256'");
        assertRefused(Map.of("interface", "10.0.0"), "interface '10.0.0'");
    }

    private static void assertRefused(Map<String, ?> properties, String saying) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> MemberSettings.from(properties));
        assertTrue(e.getMessage().contains(saying), "'" + e.getMessage() + "' should say '" + saying + "'");
    }

    @Test
    void theMembersConfigurationJoinsOnlyTheListedMembersThroughOneInterface() {
        Config c = HazelcastConfigs.member(MemberSettings.from(Map.of("cluster_name", "prod",
            "members", "10.0.0.1,10.0.0.2:5801", "port", 5801, "port_count", 3, "interface", "10.0.0.1")));
        assertEquals("prod", c.getClusterName());
        NetworkConfig n = c.getNetworkConfig();
        assertEquals(5801, n.getPort());
        assertEquals(3, n.getPortCount());
        assertTrue(n.isPortAutoIncrement());
        assertTrue(n.getInterfaces().isEnabled());
        assertEquals(List.of("10.0.0.1"), List.copyOf(n.getInterfaces().getInterfaces()));
        JoinConfig j = n.getJoin();
        assertFalse(j.getMulticastConfig().isEnabled());
        assertFalse(j.getAutoDetectionConfig().isEnabled());
        assertTrue(j.getTcpIpConfig().isEnabled());
        assertEquals(List.of("10.0.0.1", "10.0.0.2:5801"), j.getTcpIpConfig().getMembers());
        assertEquals("false", c.getProperty("hazelcast.phone.home.enabled"));
        assertEquals("false", c.getProperty("hazelcast.socket.bind.any"));
        assertEquals("false", c.getProperty("hazelcast.shutdownhook.enabled"));
        assertEquals("jdk", c.getProperty("hazelcast.logging.type"));
    }

    @Test
    void theLogsAreTotalAndTheSnapshotsQueuesBounded() {
        Config c = HazelcastConfigs.addStructures(new Config());
        RingbufferConfig ring = c.findRingbufferConfig("lapse.sessions");
        assertEquals(100_000, ring.getCapacity());
        assertEquals(1, ring.getBackupCount());
        assertEquals(HazelcastConfigs.LOG_TTL_SECONDS, ring.getTimeToLiveSeconds());
        ReliableTopicConfig topic = c.findReliableTopicConfig("lapse.sessions");
        assertEquals(TopicOverloadPolicy.ERROR, topic.getTopicOverloadPolicy());
        assertEquals(100, topic.getReadBatchSize());
        QueueConfig queue = c.findQueueConfig(HazelcastConfigs.SYNC_QUEUE_PREFIX + "a-request");
        assertEquals(HazelcastConfigs.SYNC_QUEUE_CHUNKS, queue.getMaxSize());
        assertEquals(10_000, c.findRingbufferConfig("other").getCapacity(), "other names keep Hazelcast's defaults");
    }
}
