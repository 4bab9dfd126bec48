package io.lapse.jmx;

import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;

import javax.management.DynamicMBean;
import javax.management.ObjectName;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/**
 * Registers each MBean as an OSGi service of type {@link DynamicMBean} with the property
 * {@value #OBJECT_NAME}, for a JMX whiteboard (Aries JMX whiteboard, as in Karaf's
 * {@code management} feature) to register in every {@code MBeanServer} service.
 */
final class WhiteboardPublisher implements MBeanPublisher {

    /** The service property a JMX whiteboard reads the ObjectName from. */
    static final String OBJECT_NAME = "jmx.objectname";

    private final BundleContext context;
    private final Map<ObjectName, ServiceRegistration<DynamicMBean>> registrations = new HashMap<>();

    WhiteboardPublisher(BundleContext context) {
        this.context = context;
    }

    @Override
    public void publish(ObjectName name, DynamicMBean bean) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(OBJECT_NAME, name.toString());
        properties.put(Constants.SERVICE_DESCRIPTION, "Lapse MBean " + name);
        registrations.put(name, context.registerService(DynamicMBean.class, bean, properties));
    }

    @Override
    public void withdraw(ObjectName name) {
        ServiceRegistration<DynamicMBean> registration = registrations.remove(name);
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it first
            }
        }
    }
}
