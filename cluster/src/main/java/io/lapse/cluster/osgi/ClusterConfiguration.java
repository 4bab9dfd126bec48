package io.lapse.cluster.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.lapse.cluster.MemberSettings;
import io.lapse.cluster.ReplicatorSettings;

/**
 * The configuration of this node's part in the cluster, PID {@value ClusterComponent#PID}: which
 * Hazelcast member carries the replicated caches (one the bundle starts, or another bundle's) and
 * how much the replicators buffer and wait. Without a configuration the bundle does nothing. A
 * change restarts the member. In the method names, {@code "__"} is {@code "_"} of the property
 * names, and {@code interface$} is {@code interface}. The method names' {@code "_"} is {@code "_"} in the property names.
 */
@ObjectClassDefinition(id = ClusterComponent.PID, name = "Lapse cluster",
    description = "This node's member of the Hazelcast cluster that replicates the caches configured with "
        + "replicate=true. Multicast, auto-detection and phone-home are off; the member listens on the interface "
        + "given, and joins the members listed over TCP/IP. A change restarts the member.")
public @interface ClusterConfiguration {

    @AttributeDefinition(name = "Cluster name",
        description = "The Hazelcast cluster's name: members join only a cluster of the same name. Default "
            + MemberSettings.DEFAULT_CLUSTER_NAME + ".")
    String cluster__name() default MemberSettings.DEFAULT_CLUSTER_NAME;

    @AttributeDefinition(name = "Members",
        description = "The members to join over TCP/IP, each host or host:port (a host alone means every port of "
            + "the range); this node may be among them. Default " + MemberSettings.DEFAULT_MEMBER + ".")
    String[] members() default MemberSettings.DEFAULT_MEMBER;

    @AttributeDefinition(name = "Port", min = "1", max = "65535",
        description = "The first port this member tries to listen on. Default " + MemberSettings.DEFAULT_PORT + ".")
    int port() default MemberSettings.DEFAULT_PORT;

    @AttributeDefinition(name = "Port count", min = "1", max = "1000",
        description = "How many ports from the first it tries, when one is taken (and where it looks for members "
            + "listed by host alone). Default " + MemberSettings.DEFAULT_PORT_COUNT + ".")
    int port__count() default MemberSettings.DEFAULT_PORT_COUNT;

    @AttributeDefinition(name = "Interface",
        description = "The one interface the member listens on and is reached at: an address, or a pattern such "
            + "as 10.3.*.* or 10.3.1.10-20. Default " + MemberSettings.DEFAULT_INTERFACE + ": nothing leaves this host.")
    String interface$() default MemberSettings.DEFAULT_INTERFACE;

    @AttributeDefinition(name = "Hazelcast instance", required = false,
        description = "Use a HazelcastInstance service that another bundle registers, chosen by this filter (for "
            + "example (objectClass=com.hazelcast.core.HazelcastInstance)), instead of starting a member: the "
            + "member settings above are then not used, and the member is left running when this bundle stops. "
            + "Empty (the default): the bundle starts its own member.")
    String hazelcast__instance() default "";

    @AttributeDefinition(name = "Outbox capacity", min = "1", max = "10000000",
        description = "How many changes of one cache may wait to be sent; past it a change is refused, counted in "
            + "ChangesDropped, and its key's state sent again once there is room. Default "
            + ReplicatorSettings.DEFAULT_OUTBOX_CAPACITY + ".")
    int outbox__capacity() default ReplicatorSettings.DEFAULT_OUTBOX_CAPACITY;

    @AttributeDefinition(name = "Sync timeout",
        description = "How long a joining node waits for one member's snapshot of a cache before it asks another: "
            + "a duration such as 30s or 2m. Default " + ReplicatorSettings.DEFAULT_SYNC_TIMEOUT + ".")
    String sync__timeout() default ReplicatorSettings.DEFAULT_SYNC_TIMEOUT;
}
