package io.lapse.jmx.osgi;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.lapse.cache.replication.ReplicationStatus;
import io.lapse.jmx.admin.ReplicationDirectory;
import io.lapse.jmx.admin.ReplicationStatuses;

/**
 * The bundle's {@link ReplicationStatuses} service, private to the bundle: a
 * {@link ReplicationDirectory} of every {@link ReplicationStatus} service a replication provider
 * registers, which the MBeans and the shell commands read. Safe for use by any number of threads,
 * as the directory is.
 */
@Component(name = "io.lapse.jmx.admin.ReplicationDirectory", service = ReplicationStatuses.class)
public final class ReplicationDirectoryComponent implements ReplicationStatuses {

    private final ReplicationDirectory statuses = new ReplicationDirectory();

    @Reference(service = ReplicationStatus.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addStatus(ReplicationStatus status, Map<String, Object> properties) {
        statuses.addStatus(status, properties);
    }

    void updatedStatus(ReplicationStatus status, Map<String, Object> properties) {
        statuses.updatedStatus(status, properties);
    }

    void removeStatus(ReplicationStatus status) {
        statuses.removeStatus(status);
    }

    @Override
    public Optional<ReplicationStatus> find(String cache) {
        return statuses.find(cache);
    }

    @Override
    public SortedMap<String, ReplicationStatus> byCache() {
        return statuses.byCache();
    }
}
