package io.lapse.cluster;

import java.lang.System.Logger.Level;
import java.util.function.IntConsumer;

import com.hazelcast.topic.Message;
import com.hazelcast.topic.ReliableMessageListener;

/**
 * One subscription to a cache's log: decodes each message and hands it to the
 * {@link LogDelivery} with the subscription's generation. Not loss tolerant: when Hazelcast finds
 * that the log overwrote messages it had not read (or lost them), it cancels the subscription,
 * and {@link #onCancel} tells the replicator, which subscribes anew and joins again.
 *
 * <p>Hazelcast calls it from one thread at a time, in the log's order; it never throws.
 */
final class LogListener implements ReliableMessageListener<byte[]> {

    private static final System.Logger LOG = System.getLogger(LogListener.class.getName());

    private final String cache;
    private final int generation;
    private final LogDelivery delivery;
    private final IntConsumer cancelled;

    /**
     * Creates a subscription's listener.
     *
     * @param cache the cache's name
     * @param generation the subscription's generation
     * @param delivery where the messages go
     * @param cancelled told the generation when Hazelcast cancels the subscription
     */
    LogListener(String cache, int generation, LogDelivery delivery, IntConsumer cancelled) {
        this.cache = cache;
        this.generation = generation;
        this.delivery = delivery;
        this.cancelled = cancelled;
    }

    @Override
    public void onMessage(Message<byte[]> message) {
        long received = WallClock.epochMicros();
        try {
            LogMessage m;
            try {
                m = ChangeCodec.decodeLog(message.getMessageObject());
            } catch (IllegalArgumentException | NullPointerException e) {
                delivery.malformed(new IllegalArgumentException(e.getMessage(), e));
                return;
            }
            delivery.onMessage(generation, m, received);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "cache '" + cache + "': a message of the log could not be handled", e);
        }
    }

    /** @return -1: from the message after the log's tail at the time of subscribing */
    @Override
    public long retrieveInitialSequence() {
        return -1;
    }

    @Override
    public void storeSequence(long sequence) {
        delivery.position(generation, sequence);
    }

    /** @return {@code false}: a reader that lost messages must not go on as if it had not */
    @Override
    public boolean isLossTolerant() {
        return false;
    }

    /** @return {@code false}: {@link #onMessage} throws nothing, so nothing ends the subscription */
    @Override
    public boolean isTerminal(Throwable failure) {
        return false;
    }

    @Override
    public void onCancel() {
        cancelled.accept(generation);
    }
}
