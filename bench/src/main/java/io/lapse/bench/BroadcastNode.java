package io.lapse.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;

import io.lapse.cluster.ReplicatorFigures;
import io.lapse.impl.engine.CacheTable;
import io.lapse.impl.engine.Sweeper;

/**
 * A node of {@link ReplicationModel#BROADCAST}, htable's replication over Kamailio's dmq: every
 * change is published on its own, on the writer's thread, right after the local put, to a
 * Hazelcast {@link ITopic} of this node's own ({@value #TOPIC_PREFIX}{@code <cache>.<node>}), which
 * the other nodes listen to; each puts what arrives, as it arrives, with the deadline the writer
 * gave it. Nothing orders one node's changes against another's, nothing is batched, nothing is
 * sent again: a message Hazelcast drops (a full event queue) is lost, as a dmq message is.
 *
 * <p>A message is a {@code byte[]}: the value (a {@code long}), the deadline in epoch
 * milliseconds, then the key in UTF-8.
 */
final class BroadcastNode implements ReplicatedNode {

    /** The prefix of the topics. */
    static final String TOPIC_PREFIX = "dmq.";

    private final CacheTable table;
    private final Sweeper sweeper;
    private final Receipts receipts = new Receipts();
    private final ITopic<byte[]> own;
    private final List<ITopic<byte[]>> others = new ArrayList<>();
    private final List<UUID> subscriptions = new ArrayList<>();
    private final long ttlMillis = ReplicationModel.TTL.toMillis();

    /**
     * Publishes on this node's topic and listens to the others'.
     *
     * @param hz the member
     * @param cache the cache's name
     * @param index this node's number, from 0
     * @param count how many nodes
     * @param table the table, on the sweeper
     * @param sweeper the sweeper it leaves when closed
     */
    BroadcastNode(HazelcastInstance hz, String cache, int index, int count, CacheTable table, Sweeper sweeper) {
        this.table = table;
        this.sweeper = sweeper;
        this.own = hz.getTopic(TOPIC_PREFIX + cache + "." + index);
        for (int i = 0; i < count; i++) {
            if (i != index) {
                ITopic<byte[]> topic = hz.getTopic(TOPIC_PREFIX + cache + "." + i);
                others.add(topic);
                subscriptions.add(topic.addMessageListener(this::receive));
            }
        }
    }

    @Override
    public void put(String key, long sentNanos) {
        table.put(key, sentNanos);
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        own.publish(ByteBuffer.allocate(16 + k.length).putLong(sentNanos)
            .putLong(System.currentTimeMillis() + ttlMillis).put(k).array());
    }

    private void receive(Message<byte[]> message) {
        ByteBuffer m = ByteBuffer.wrap(message.getMessageObject());
        long value = m.getLong();
        long deadline = m.getLong();
        String key = new String(m.array(), 16, m.remaining(), StandardCharsets.UTF_8);
        try {
            table.put(key, value, Duration.ofMillis(Math.max(1, deadline - System.currentTimeMillis())));
        } catch (IllegalStateException closed) {
            // a message that arrives as the node closes has no table left to go into
            return;
        }
        receipts.applied(value);
    }

    @Override
    public Object get(String key) {
        return table.get(key);
    }

    @Override
    public Receipts receipts() {
        return receipts;
    }

    @Override
    public ReplicatorFigures replicatorFigures() {
        return null;
    }

    @Override
    public void close() {
        for (int i = 0; i < others.size(); i++) {
            others.get(i).removeMessageListener(subscriptions.get(i));
        }
        sweeper.remove(table);
        table.close();
    }
}
