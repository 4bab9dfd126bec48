package io.lapse.itest;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.lapse.cache.CacheEvents;

/** An EventHandler registered by the test that records what it receives. */
final class Recorder implements EventHandler, AutoCloseable {

    /** One received event, with the time it arrived. */
    static final class Received {
        final Event event;
        final long receivedAt = System.currentTimeMillis();

        Received(Event event) {
            this.event = event;
        }

        String topic() {
            return event.getTopic();
        }

        String cache() {
            return (String) event.getProperty(CacheEvents.CACHE_NAME);
        }

        String key() {
            return (String) event.getProperty(CacheEvents.CACHE_KEY);
        }

        Object value() {
            return event.getProperty(CacheEvents.CACHE_VALUE);
        }

        Long expires() {
            return (Long) event.getProperty(CacheEvents.CACHE_EXPIRES);
        }

        String group() {
            return (String) event.getProperty(CacheEvents.CACHE_GROUP);
        }

        Long count() {
            return (Long) event.getProperty(CacheEvents.CACHE_COUNT);
        }

        @Override
        public String toString() {
            return topic() + " " + cache() + " " + key() + "=" + value();
        }
    }

    final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private final ServiceRegistration<EventHandler> registration;
    private volatile Consumer<Event> action = e -> { };

    private Recorder(BundleContext context, String filter, String... topics) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(EventConstants.EVENT_TOPIC, topics);
        if (filter != null) {
            properties.put(EventConstants.EVENT_FILTER, filter);
        }
        registration = context.registerService(EventHandler.class, this, properties);
    }

    static Recorder on(BundleContext context, String... topics) {
        return new Recorder(context, null, topics);
    }

    static Recorder filtered(BundleContext context, String filter, String... topics) {
        return new Recorder(context, filter, topics);
    }

    /** Runs an action inside {@code handleEvent}, after recording the event. */
    Recorder then(Consumer<Event> action) {
        this.action = action;
        return this;
    }

    @Override
    public void handleEvent(Event event) {
        received.add(new Received(event));
        action.accept(event);
    }

    List<Received> of(String topic) {
        return received.stream().filter(r -> r.topic().equals(topic)).collect(Collectors.toCollection(ArrayList::new));
    }

    List<Received> of(String topic, String cache) {
        return of(topic).stream().filter(r -> cache.equals(r.cache())).collect(Collectors.toList());
    }

    boolean has(String topic, String cache, String key) {
        return received.stream().anyMatch(r -> r.topic().equals(topic) && cache.equals(r.cache()) && key.equals(r.key()));
    }

    @Override
    public void close() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the test's context closed first
        }
    }
}
