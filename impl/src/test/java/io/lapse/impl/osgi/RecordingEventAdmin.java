package io.lapse.impl.osgi;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

import io.lapse.cache.CacheEvents;

/**
 * An EventAdmin that keeps the events it is sent, in order, with the threads that sent them, and
 * holds the events a test chooses ({@link #held}) until {@link #release} counts down. Thread
 * safety: any thread.
 */
final class RecordingEventAdmin implements EventAdmin {

    final List<Event> sent = new CopyOnWriteArrayList<>();
    final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    final CountDownLatch release = new CountDownLatch(1);
    volatile Predicate<Event> held = e -> false;

    @Override
    public void sendEvent(Event event) {
        threads.add(Thread.currentThread());
        if (held.test(event)) {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sent.add(event);
    }

    @Override
    public void postEvent(Event event) {
        throw new AssertionError("a cache's events are sent from its own queue, never posted: " + event);
    }

    /** @return the topics sent, in order */
    List<String> topics() {
        return sent.stream().map(Event::getTopic).collect(Collectors.toList());
    }

    /** @return the {@code cache.key} of each event sent, in order */
    List<Object> keys() {
        return sent.stream().map(e -> e.getProperty(CacheEvents.CACHE_KEY)).collect(Collectors.toList());
    }
}
