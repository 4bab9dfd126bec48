package io.lapse.jmx;

import javax.management.DynamicMBean;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.JMRuntimeException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import io.lapse.jmx.admin.CleanErrors;

/**
 * Registers MBeans directly in one MBeanServer: the platform MBeanServer, which jconsole and the
 * JDK's remote JMX agent serve, when no OSGi {@code MBeanServer} service exists.
 *
 * <p>The server refuses in two ways: with a checked {@link JMException}, or with an unchecked
 * {@link JMRuntimeException} (a {@code RuntimeOperationsException} for a name it will not take,
 * such as a pattern); both become the {@link IllegalStateException} {@link MBeanPublisher}
 * promises.
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
        } catch (JMException | JMRuntimeException e) {
            throw new IllegalStateException("cannot register MBean " + name + ": " + why(e), e);
        }
    }

    @Override
    public void withdraw(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException alreadyGone) {
            // someone else unregistered it: nothing left to do
        } catch (JMException | JMRuntimeException e) {
            throw new IllegalStateException("cannot unregister MBean " + name + ": " + why(e), e);
        }
    }

    /** The server's reason on one line: a RuntimeOperationsException has it only in its cause. */
    private static String why(Exception e) {
        String message = e.getMessage();
        if (message == null && e.getCause() != null) {
            message = e.getCause().getMessage();
        }
        return CleanErrors.oneLine(message == null ? e.getClass().getSimpleName() : message);
    }
}
