package io.lapse.jmx;

import javax.management.DynamicMBean;
import javax.management.ObjectName;

/**
 * Where {@link JmxExporter} puts its MBeans: straight into an MBeanServer, or into the OSGi
 * service registry for a JMX whiteboard to register.
 *
 * <p>Implementations are not thread-safe: the exporter calls them under its lock.
 */
interface MBeanPublisher {

    /**
     * Makes an MBean visible under a name.
     *
     * @param name its ObjectName
     * @param bean the MBean
     * @throws IllegalStateException if it cannot be published
     */
    void publish(ObjectName name, DynamicMBean bean);

    /**
     * Takes an MBean published by {@link #publish} away; nothing happens if there is none.
     *
     * @param name its ObjectName
     */
    void withdraw(ObjectName name);
}
