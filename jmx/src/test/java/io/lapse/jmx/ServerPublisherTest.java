package io.lapse.jmx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

class ServerPublisherTest {

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final ServerPublisher publisher = new ServerPublisher(server);
    private final DescribedMXBean<CacheManagerMXBean> bean = new DescribedMXBean<>(new ManagerView(Map::of),
        CacheManagerMXBean.class, "test", "the cache manager");

    @Test
    void aNameTheServerRefusesFailsAsOneCleanLine() throws Exception {
        // the MBeanServer answers a pattern with a RuntimeOperationsException, not a JMException
        ObjectName pattern = new ObjectName("io.lapse:type=Cache,name=a*");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> publisher.publish(pattern, bean));
        assertTrue(e.getMessage().startsWith("cannot register MBean io.lapse:type=Cache,name=a*: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().endsWith("null"), e.getMessage());
        publisher.withdraw(pattern);
        assertFalse(server.isRegistered(pattern));
    }
}
