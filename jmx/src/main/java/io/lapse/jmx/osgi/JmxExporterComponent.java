package io.lapse.jmx.osgi;

import java.util.Map;

import javax.management.MBeanServer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.lapse.cache.Cache;
import io.lapse.jmx.JmxExporter;
import io.lapse.jmx.admin.Reloader;
import io.lapse.jmx.admin.ReplicationStatuses;

/**
 * Runs a {@link JmxExporter} while the bundle is active: it tracks every {@link Cache} service
 * and every {@link MBeanServer} service for it. Every call is handed to the exporter, which is
 * safe for SCR's threads.
 */
@Component(name = "io.lapse.jmx.JmxExporter", immediate = true, service = {})
public final class JmxExporterComponent {

    private final JmxExporter exporter;

    /**
     * @param reloader how {@code reload()} finds a cache's store: the bundle's
     *     {@link StoreDirectoryComponent}
     * @param replication where the replication attributes find a cache's status: the bundle's
     *     {@link ReplicationDirectoryComponent}
     */
    @Activate
    public JmxExporterComponent(@Reference(name = "reloader") Reloader reloader,
        @Reference(name = "replication") ReplicationStatuses replication) {
        this.exporter = new JmxExporter(reloader, replication);
    }

    @Activate
    void activate(BundleContext context) {
        exporter.activate(context);
    }

    @Deactivate
    void deactivate() {
        exporter.deactivate();
    }

    @Reference(service = Cache.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void addCache(Cache cache, Map<String, Object> properties) {
        exporter.addCache(cache, properties);
    }

    void updatedCache(Cache cache, Map<String, Object> properties) {
        exporter.updatedCache(cache, properties);
    }

    void removeCache(Cache cache) {
        exporter.removeCache(cache);
    }

    @Reference(service = MBeanServer.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addServer(ServiceReference<MBeanServer> server) {
        exporter.addServer(server);
    }

    void removeServer(ServiceReference<MBeanServer> server) {
        exporter.removeServer(server);
    }
}
