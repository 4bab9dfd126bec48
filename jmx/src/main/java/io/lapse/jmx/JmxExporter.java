package io.lapse.jmx;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Pattern;

import javax.management.DynamicMBean;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;
import io.lapse.jmx.admin.CacheAdmin;
import io.lapse.jmx.admin.Reloader;
import io.lapse.jmx.admin.ReplicationStatuses;

/**
 * Exposes {@code io.lapse:type=CacheManager} while active (from {@link #activate} to
 * {@link #deactivate}) and {@code io.lapse:type=Cache,name=<name>} exactly while the cache is
 * tracked (from {@link #addCache} to {@link #removeCache}) and the exporter is active. In the
 * bundle, the component {@code io.lapse.jmx.osgi.JmxExporterComponent} makes those calls as the
 * bundle starts and stops and as {@link Cache} and {@link MBeanServer} services come and go. A name other than a configured cache's ({@code [A-Za-z0-9_.-]}, which appear as
 * they are) appears quoted: a {@code Cache} service of another bundle with
 * {@code cache.name=a,b} is {@code io.lapse:type=Cache,name="a,b"} (see {@link ObjectName#quote}).
 *
 * <h2>Where the MBeans go: never in two places</h2>
 * <ul>
 * <li>While no OSGi service of type {@link MBeanServer} exists (plain Felix, the Lapse
 * distribution), each MBean is registered directly in the platform MBeanServer, which jconsole
 * and the JDK's JMX agent serve.</li>
 * <li>While at least one {@code MBeanServer} service exists (Karaf's {@code management}
 * feature registers its server, and brings the Aries JMX whiteboard), each MBean is instead
 * registered as a {@link DynamicMBean} service with a {@code jmx.objectname} property, and the
 * whiteboard puts it into every {@code MBeanServer} service. Karaf's server is the platform
 * one, so registering directly as well would register each MBean twice.</li>
 * </ul>
 * When the first {@code MBeanServer} service appears or the last one goes, every MBean is taken
 * out of the old place before it is put into the new one. An MBean that cannot be put in or
 * taken out costs only itself: the others go on, and the failures of one pass are logged as one
 * warning, so a deactivate never leaves later MBeans registered (holding this bundle's class
 * loader) because an earlier one failed.
 *
 * <h2>Concurrency</h2>
 * {@link #lock} guards the tracked caches, the published MBeans, the count of
 * {@code MBeanServer} services and the publisher. Publishing and withdrawing happen under it, so
 * the MBeans always match the tracked caches and a change of place is never seen half done.
 * That calls out: an MBeanServer runs its notification listeners, and the service registry its
 * service listeners (the whiteboard registers the MBean from one), in the calling thread. It is
 * safe because nothing those calls can reach takes the lock: the MBeans read caches through
 * {@link #byName}, a concurrent map, and the calls of its component are the exporter's only other
 * entry points. The exporter and the MBeans are safe for use by any number of threads.
 */
public final class JmxExporter {

    static final String DOMAIN = "io.lapse";
    static final ObjectName MANAGER = objectName(DOMAIN + ":type=CacheManager");

    /** A cache name that may stand unquoted as an ObjectName value. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.-]+");

    private static final System.Logger LOG = System.getLogger(JmxExporter.class.getName());

    private final MBeanServer platform;

    /** How reload() finds a cache's store. */
    private final Reloader reloader;

    /** Where the replication attributes find a cache's status. */
    private final ReplicationStatuses replication;
    private final Object lock = new Object();

    /** The caches by name, for the manager MBean; read without {@link #lock}. */
    private final ConcurrentSkipListMap<String, Cache> byName = new ConcurrentSkipListMap<>();

    // guarded by lock
    private final Map<Cache, String> names = new HashMap<>();
    private final Map<ObjectName, DynamicMBean> beans = new LinkedHashMap<>();
    private final Set<ServiceReference<MBeanServer>> servers = new HashSet<>();
    private BundleContext context;
    private MBeanPublisher publisher;

    /**
     * An exporter that publishes into the platform MBeanServer while no MBeanServer service exists.
     *
     * @param reloader how the MBeans' {@code reload()} finds a cache's store
     * @param replication where the MBeans' replication attributes find a cache's status
     */
    public JmxExporter(Reloader reloader, ReplicationStatuses replication) {
        this(ManagementFactory.getPlatformMBeanServer(), reloader, replication);
    }

    /** For tests: publishes into {@code server} instead of the platform MBeanServer; no cache is replicated. */
    JmxExporter(MBeanServer server, Reloader reloader) {
        this(server, reloader, ReplicationStatuses.NONE);
    }

    /** For tests: publishes into {@code server} instead of the platform MBeanServer. */
    JmxExporter(MBeanServer server, Reloader reloader, ReplicationStatuses replication) {
        this.platform = Objects.requireNonNull(server, "server");
        this.reloader = Objects.requireNonNull(reloader, "reloader");
        this.replication = Objects.requireNonNull(replication, "replication");
    }

    /**
     * Publishes the manager's MBean and one per tracked cache.
     *
     * @param bundleContext where a {@code DynamicMBean} service is registered for the JMX
     *     whiteboard while an {@code MBeanServer} service exists
     */
    public void activate(BundleContext bundleContext) {
        synchronized (lock) {
            context = bundleContext;
            beans.put(MANAGER, new DescribedMXBean<>(new ManagerView(() -> byName), CacheManagerMXBean.class,
                "All Lapse caches", "the cache manager"));
            names.forEach((cache, name) -> beans.put(cacheObjectName(name), cacheBean(cache)));
            publisher = choosePublisher();
            publishAll("activating");
        }
    }

    /** Withdraws every MBean; caches stay tracked, for a later {@link #activate}. */
    public void deactivate() {
        synchronized (lock) {
            if (publisher != null) {
                withdrawAll("deactivating");
            }
            beans.clear();
            publisher = null;
        }
    }

    /**
     * Tracks a cache, and shows its MBean while active.
     *
     * @param cache the cache
     * @param properties its service properties, {@code cache.name} among them
     */
    public void addCache(Cache cache, Map<String, Object> properties) {
        String name = nameOf(properties);
        synchronized (lock) {
            names.put(cache, name);
            byName.put(name, cache);
            if (publisher != null) {
                show(cacheObjectName(name), cacheBean(cache));
            }
        }
    }

    /**
     * Follows a cache's new {@code cache.name}: its MBean moves to the new name.
     *
     * @param cache a tracked cache
     * @param properties its service properties now
     */
    public void updatedCache(Cache cache, Map<String, Object> properties) {
        String name = nameOf(properties);
        synchronized (lock) {
            String old = names.put(cache, name);
            if (name.equals(old)) {
                return;
            }
            if (old != null) {
                byName.remove(old, cache);
            }
            byName.put(name, cache);
            if (publisher != null) {
                if (old != null) {
                    hide(cacheObjectName(old));
                }
                show(cacheObjectName(name), cacheBean(cache));
            }
        }
    }

    /**
     * Stops tracking a cache, and withdraws its MBean.
     *
     * @param cache the cache; nothing happens if it is not tracked
     */
    public void removeCache(Cache cache) {
        synchronized (lock) {
            String name = names.remove(cache);
            if (name == null) {
                return;
            }
            byName.remove(name, cache);
            if (publisher != null) {
                hide(cacheObjectName(name));
            }
        }
    }

    /**
     * Counts an {@code MBeanServer} service: with the first, the MBeans move to the whiteboard.
     *
     * @param server the service
     */
    public void addServer(ServiceReference<MBeanServer> server) {
        synchronized (lock) {
            servers.add(server);
            republish();
        }
    }

    /**
     * Forgets an {@code MBeanServer} service: with the last, the MBeans move back to the platform server.
     *
     * @param server the service
     */
    public void removeServer(ServiceReference<MBeanServer> server) {
        synchronized (lock) {
            servers.remove(server);
            republish();
        }
    }

    /** Moves every MBean if the place it belongs in changed; called with {@link #lock} held. */
    private void republish() {
        if (publisher == null) {
            return;
        }
        MBeanPublisher next = choosePublisher();
        if (next.getClass() == publisher.getClass()) {
            return;
        }
        withdrawAll("moving to " + next.getClass().getSimpleName());
        publisher = next;
        publishAll("moving to " + next.getClass().getSimpleName());
    }

    /**
     * Publishes every MBean, going on past one that fails, so that one refused name costs one
     * MBean only; the failures are logged together. Called with {@link #lock} held.
     */
    private void publishAll(String occasion) {
        Failures failures = new Failures();
        beans.forEach((name, bean) -> failures.attempt(() -> publisher.publish(name, bean)));
        failures.log("while " + occasion + ", these MBeans could not be registered", "they are missing");
    }

    /**
     * Withdraws every MBean, going on past one that fails, so that no later MBean stays behind
     * holding this bundle's class loader; the failures are logged together. Called with
     * {@link #lock} held.
     */
    private void withdrawAll(String occasion) {
        Failures failures = new Failures();
        beans.keySet().forEach(name -> failures.attempt(() -> publisher.withdraw(name)));
        failures.log("while " + occasion + ", these MBeans could not be unregistered",
            "they stay registered until their server drops them");
    }

    /** Called with {@link #lock} held. */
    private MBeanPublisher choosePublisher() {
        return servers.isEmpty() ? new ServerPublisher(platform) : new WhiteboardPublisher(context);
    }

    /** Called with {@link #lock} held, while active. */
    private void show(ObjectName name, DynamicMBean bean) {
        if (beans.put(name, bean) != null) {
            publisher.withdraw(name);
        }
        publisher.publish(name, bean);
    }

    /** Called with {@link #lock} held, while active. */
    private void hide(ObjectName name) {
        if (beans.remove(name) != null) {
            publisher.withdraw(name);
        }
    }

    private DynamicMBean cacheBean(Cache cache) {
        return new DescribedMXBean<>(new CacheView(new CacheAdmin(cache, reloader), replication), CacheMXBean.class,
            "A Lapse cache: counters, slot figures, replication figures and htable's operations",
            "cache '" + cache.name() + "'");
    }

    private static String nameOf(Map<String, Object> properties) {
        return String.valueOf(properties.get(CacheService.CACHE_NAME));
    }

    /**
     * The ObjectName of a cache's MBean. A configured name ({@code [A-Za-z0-9_.-]{1,64}}) appears
     * as it is; any other {@code cache.name}, which another bundle's {@code Cache} service may
     * carry, appears quoted as {@link ObjectName#quote} writes it, so that {@code ,}, {@code =},
     * {@code :}, {@code *}, {@code ?}, quotes or a line break can neither break the name nor make
     * it a pattern.
     */
    static ObjectName cacheObjectName(String name) {
        return objectName(DOMAIN + ":type=Cache,name=" + (PLAIN.matcher(name).matches() ? name : ObjectName.quote(name)));
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not an ObjectName: " + name, e);
        }
    }

    /** The failures of one pass over the MBeans; not thread-safe, used under {@link #lock}. */
    private static final class Failures {
        private final List<String> messages = new ArrayList<>();
        private RuntimeException first;

        void attempt(Runnable step) {
            try {
                step.run();
            } catch (RuntimeException e) {
                messages.add(e.getMessage());
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }

        /** Logs one warning for the whole pass, if anything failed. */
        void log(String what, String consequence) {
            if (first != null) {
                LOG.log(System.Logger.Level.WARNING, "Lapse JMX: " + what + " (" + consequence + "): "
                    + String.join("; ", messages), first);
            }
        }
    }
}
