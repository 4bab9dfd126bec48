package io.lapse.jmx;

import javax.management.DynamicMBean;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Registers MBeans directly in one MBeanServer: the platform MBeanServer, which jconsole and the
 * JDK's remote JMX agent serve, when no OSGi {@code MBeanServer} service exists.
 */
final class ServerPublisher implements MBeanPublisher {

    private final MBeanServer server;

    ServerPublisher(MBeanServer server) {
        this.server = server;
    }

    @Override
    public void publish(ObjectName name, DynamicMBean bean) {
        try {
            if (server.isRegistered(name)) {
                // Left behind by an earlier instance that could not clean up (a killed bundle
                // class loader): the MBean of the live cache takes its place.
                server.unregisterMBean(name);
            }
            server.registerMBean(bean, name);
        } catch (JMException e) {
            throw new IllegalStateException("cannot register MBean " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void withdraw(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException alreadyGone) {
            // someone else unregistered it: nothing left to do
        } catch (JMException e) {
            throw new IllegalStateException("cannot unregister MBean " + name + ": " + e.getMessage(), e);
        }
    }
}
