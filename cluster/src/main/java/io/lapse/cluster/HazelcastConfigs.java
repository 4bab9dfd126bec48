package io.lapse.cluster;

import java.util.Objects;

import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.QueueConfig;
import com.hazelcast.config.ReliableTopicConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.TopicOverloadPolicy;

/**
 * The Hazelcast configuration Lapse needs: a member's own ({@link #member}), and the
 * configuration of the structures replication uses, for a member started here or added to one
 * another bundle runs ({@link #addStructures(HazelcastInstance)}).
 *
 * <h2>The log of a cache</h2>
 * The reliable topic {@value #LOG_PREFIX}{@code <cache>}, over a ringbuffer of
 * {@value #LOG_CAPACITY} messages with {@value #LOG_BACKUPS} synchronous backup, read
 * {@value #READ_BATCH} messages at a time. Its overload policy is
 * {@link TopicOverloadPolicy#ERROR}, with messages kept at least {@value #LOG_TTL_SECONDS} s: a
 * publisher that finds the ringbuffer full of messages younger than that is told at once, and the
 * replicator publishes the same batch again later, so the log never loses a message nor takes
 * one out of order, and a reader that stalls for less than that time never loses its place.
 * {@link TopicOverloadPolicy#DISCARD_NEWEST} would drop a batch with nobody told (a hole in the
 * log, and changes never acknowledged); {@link TopicOverloadPolicy#DISCARD_OLDEST} overwrites
 * what slow readers have not read, making them fetch a whole snapshot again (and in Hazelcast
 * 5.7.0 the future of {@code publishAllAsync} never completes under either DISCARD policy);
 * {@link TopicOverloadPolicy#BLOCK} retries inside Hazelcast without a bound the replicator can
 * see. Without a time to live the policy would be moot: a ringbuffer without one is never full,
 * it overwrites. The price of the time to live is a ceiling on the sustained rate of a cache's
 * changes: {@value #LOG_CAPACITY} per {@value #LOG_TTL_SECONDS} s, beyond which changes wait in
 * the replicator's outbox and then are refused and sent again later, coalesced by key.
 *
 * <p>Stateless.
 */
public final class HazelcastConfigs {

    /** The prefix of a cache's log: the reliable topic {@code lapse.<cache>}. */
    public static final String LOG_PREFIX = "lapse.";
    /** How many messages a cache's log holds. */
    public static final int LOG_CAPACITY = 100_000;
    /** The synchronous backups of a cache's log. */
    public static final int LOG_BACKUPS = 1;
    /** How long, in seconds, a message of a log is kept before it may be overwritten. */
    public static final int LOG_TTL_SECONDS = 5;
    /** How many messages a reader of a log fetches at a time. */
    public static final int READ_BATCH = 100;
    /** How many chunks of a snapshot may wait in its queue for the joiner to take them. */
    public static final int SYNC_QUEUE_CHUNKS = 8;

    /** The prefix of a snapshot's queue: {@code lapse.sync.<request>}. */
    static final String SYNC_QUEUE_PREFIX = "lapse.sync.";
    /** The prefix of the map where each member says how far it is with a cache. */
    static final String MEMBERS_MAP_PREFIX = "lapse.members.";
    /** Hazelcast names the ringbuffer of reliable topic {@code t} {@code _hz_rb_t}. */
    private static final String TOPIC_RINGBUFFER_PREFIX = "_hz_rb_";

    private HazelcastConfigs() {
    }

    /**
     * Makes the configuration of a member: the settings' cluster name, TCP/IP join with the
     * settings' members (no multicast, no auto-detection), bound to the settings' interface only,
     * no phone home, no shutdown hook (the bundle shuts the member down), logging through
     * java.util.logging, a member that stops answering declared gone within 10 seconds, and the
     * structures of {@link #addStructures(Config)}.
     *
     * @param settings the settings
     * @return a new configuration the caller may refine
     * @throws NullPointerException if {@code settings} is {@code null}
     */
    public static Config member(MemberSettings settings) {
        Objects.requireNonNull(settings, "settings");
        Config config = new Config();
        config.setClusterName(settings.clusterName());
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortCount(settings.portCount()).setPortAutoIncrement(true);
        network.getInterfaces().setEnabled(true).addInterface(settings.networkInterface());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.members());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        // a member that stops answering is declared gone within 10 s (Hazelcast's default is 60):
        // well within the time the others keep the expiries it owned (ExpiryHandover)
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        return addStructures(config);
    }

    /**
     * Adds the configuration of the structures replication uses to a member's configuration.
     *
     * @param config the configuration
     * @return it
     * @throws NullPointerException if {@code config} is {@code null}
     */
    public static Config addStructures(Config config) {
        return config.addRingBufferConfig(logRingbuffer())
            .addReliableTopicConfig(logTopic())
            .addQueueConfig(syncQueue());
    }

    /**
     * Adds the configuration of the structures replication uses to a running member, as dynamic
     * configuration that Hazelcast spreads to the cluster: for a member another bundle started.
     * Adding it again is harmless.
     *
     * @param hz the member
     * @throws NullPointerException if {@code hz} is {@code null}
     * @throws IllegalStateException if the member has other configuration under these names
     */
    public static void addStructures(HazelcastInstance hz) {
        Config config = hz.getConfig();
        try {
            config.addRingBufferConfig(logRingbuffer());
            config.addReliableTopicConfig(logTopic());
            config.addQueueConfig(syncQueue());
        } catch (InvalidConfigurationException e) {
            throw new IllegalStateException("Hazelcast member '" + hz.getName() + "' is configured otherwise for "
                + "Lapse's structures (" + LOG_PREFIX + "*): " + e.getMessage(), e);
        }
    }

    /** @return the configuration of the logs' ringbuffers */
    static RingbufferConfig logRingbuffer() {
        // Hazelcast 5 looks up the ringbuffer configuration of reliable topic t under t itself,
        // though the ringbuffer is named _hz_rb_t
        return new RingbufferConfig(LOG_PREFIX + "*")
            .setCapacity(LOG_CAPACITY)
            .setBackupCount(LOG_BACKUPS)
            .setAsyncBackupCount(0)
            .setTimeToLiveSeconds(LOG_TTL_SECONDS);
    }

    /** @return the configuration of the logs' reliable topics */
    static ReliableTopicConfig logTopic() {
        return new ReliableTopicConfig(LOG_PREFIX + "*")
            .setReadBatchSize(READ_BATCH)
            .setTopicOverloadPolicy(TopicOverloadPolicy.ERROR);
    }

    /**
     * The snapshots' queues: bounded, so a responder sends no faster than its joiner takes; no
     * backup, as a transfer that loses its queue is started again with a new one.
     */
    static QueueConfig syncQueue() {
        return new QueueConfig(SYNC_QUEUE_PREFIX + "*").setMaxSize(SYNC_QUEUE_CHUNKS).setBackupCount(0)
            .setAsyncBackupCount(0);
    }

    /**
     * Returns the name of a cache's ringbuffer, which holds its log.
     *
     * @param cache the cache's name
     * @return the name
     */
    static String logRingbufferName(String cache) {
        return TOPIC_RINGBUFFER_PREFIX + LOG_PREFIX + cache;
    }
}
