package io.lapse.cluster.osgi;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.ServiceTracker;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import io.lapse.cache.CacheService;
import io.lapse.cache.replication.Replica;
import io.lapse.cache.replication.ReplicationStatus;
import io.lapse.cluster.ClusterNode;
import io.lapse.cluster.HazelcastConfigs;
import io.lapse.cluster.MemberSettings;
import io.lapse.cluster.ReplicatorSettings;

/**
 * This node's part in the cluster, as configured by PID {@value #PID}: a thin component around
 * a {@link ClusterNode}. It replicates every {@link Replica} service the Lapse implementation
 * registers (one per cache configured with {@code replicate=true}), and registers a
 * {@link ReplicationStatus} service per replicated cache for the management bundle.
 *
 * <p>Nothing here waits for the network: the member starts (or is taken from another bundle's
 * service) on the node's own thread, and so do replicators. A configuration that cannot be read is
 * logged, naming the property and value, and the component starts nothing. A change of the
 * configuration restarts the component, and with it the member.
 */
@Component(name = ClusterComponent.PID, configurationPid = ClusterComponent.PID,
    configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = ClusterConfiguration.class)
public final class ClusterComponent {

    /** The configuration's PID. */
    public static final String PID = "io.lapse.cluster";
    private static final System.Logger LOG = System.getLogger(ClusterComponent.class.getName());

    /** Replicas bound before activation wait here; guarded by itself. */
    private final Map<Replica, Boolean> early = new IdentityHashMap<>();
    private volatile ClusterNode node;
    private ServiceTracker<HazelcastInstance, HazelcastInstance> external;

    @Reference(service = Replica.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void addReplica(Replica replica) {
        synchronized (early) {
            ClusterNode n = node;
            if (n == null) {
                early.put(replica, Boolean.TRUE);
                return;
            }
            n.add(replica);
        }
    }

    void removeReplica(Replica replica) {
        synchronized (early) {
            ClusterNode n = node;
            if (n == null) {
                early.remove(replica);
                return;
            }
            n.remove(replica);
        }
    }

    @Activate
    void activate(BundleContext context, Map<String, Object> properties) {
        MemberSettings member;
        ReplicatorSettings replicators;
        Filter instance;
        try {
            member = MemberSettings.from(properties);
            replicators = ReplicatorSettings.from(properties);
            instance = instanceFilter(context, properties.get("hazelcast_instance"));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "Lapse cluster configuration " + PID + ": " + e.getMessage()
                + "; no member is started until it is fixed");
            return;
        }
        ClusterNode n = new ClusterNode(new ServiceBoard(context), replicators);
        synchronized (early) {
            early.keySet().forEach(n::add);
            early.clear();
            node = n;
        }
        if (instance == null) {
            n.start(() -> ownMember(member), true);
        } else {
            external = new ServiceTracker<>(context, instance, null) {
                @Override
                public HazelcastInstance addingService(ServiceReference<HazelcastInstance> ref) {
                    HazelcastInstance hz = super.addingService(ref);
                    if (hz != null && getTrackingCount() <= 1) {
                        n.start(() -> hz, false);
                    }
                    return hz;
                }
            };
            external.open();
            LOG.log(System.Logger.Level.INFO, "Lapse cluster: waiting for a HazelcastInstance service matching " + instance);
        }
    }

    /**
     * Starts a member with the class loader of Hazelcast's own bundle as the context class loader,
     * which Hazelcast looks its services up with.
     */
    private static HazelcastInstance ownMember(MemberSettings settings) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(HazelcastInstance.class.getClassLoader());
        try {
            Config config = HazelcastConfigs.member(settings);
            config.setClassLoader(HazelcastInstance.class.getClassLoader());
            return Hazelcast.newHazelcastInstance(config);
        } finally {
            t.setContextClassLoader(before);
        }
    }

    private static Filter instanceFilter(BundleContext context, Object value) {
        String text = value == null ? "" : value.toString().strip();
        if (text.isEmpty()) {
            return null;
        }
        try {
            return context.createFilter("(&(" + Constants.OBJECTCLASS + "=" + HazelcastInstance.class.getName() + ")"
                + text + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("property 'hazelcast_instance' = '" + text + "' is not a filter: "
                + e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        ClusterNode n;
        synchronized (early) {
            n = node;
            node = null;
        }
        if (external != null) {
            external.close();
            external = null;
        }
        if (n != null) {
            n.close();
        }
    }

    /** Registers each replicated cache's status as a service with its cache's name. */
    private static final class ServiceBoard implements ClusterNode.StatusBoard {
        private final BundleContext context;

        ServiceBoard(BundleContext context) {
            this.context = context;
        }

        @Override
        public Object publish(String cache, ReplicationStatus status) {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put(CacheService.CACHE_NAME, cache);
            properties.put(Constants.SERVICE_DESCRIPTION, "Lapse replication of cache " + cache);
            return context.registerService(ReplicationStatus.class, status, properties);
        }

        @Override
        public void withdraw(Object handle) {
            try {
                ((ServiceRegistration<?>) handle).unregister();
            } catch (IllegalStateException e) {
                // unregistered already, as the bundle stops
            }
        }
    }
}
