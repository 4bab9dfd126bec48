package io.lapse.impl.osgi;

import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

import io.lapse.cache.CacheEvents;
import io.lapse.impl.engine.EventKind;

/**
 * Where cache events go out: EventAdmin, which is optional; the event threads that deliver them
 * ({@code lapse-events-N}, at most {@value #THREADS}, started when events come and ended after
 * {@value #KEEP_ALIVE_SECONDS} s without, all stopped in {@link #deactivate}); and the knowledge of
 * which topics have a subscriber at all, so caches build no event nobody would receive.
 *
 * <p>Each cache queues its events ({@link EventQueue}) and one event thread at a time delivers
 * them, in order, with {@link EventAdmin#sendEvent}: the call returns once the handlers have had
 * the event, so a cache's backlog is what its queue holds (bounded), not EventAdmin's asynchronous
 * queue (unbounded, and shared in order by every cache whose events one sweep thread reported).
 * For the cache's code and for a handler, delivery stays asynchronous: no cache operation waits
 * for a handler, and a handler may read and write the cache.
 *
 * <p>Subscriptions are read from the {@code event.topics} of the registered {@link EventHandler}
 * services, by their service references only: no handler is got or activated for it.
 *
 * <p>Thread safety: the subscribed kinds are an immutable set replaced under this object's lock
 * when handlers come, change or go; reads take no lock.
 */
@Component(service = EventBridge.class)
public final class EventBridge {

    private static final Map<EventKind, String> TOPICS = Map.of(
        EventKind.EXPIRED, CacheEvents.TOPIC_EXPIRED,
        EventKind.EVICTED, CacheEvents.TOPIC_EVICTED,
        EventKind.REMOVED, CacheEvents.TOPIC_REMOVED,
        EventKind.CLEARED, CacheEvents.TOPIC_CLEARED,
        EventKind.LOADED, CacheEvents.TOPIC_LOADED,
        EventKind.CREATED, CacheEvents.TOPIC_CREATED);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    /** The most event threads: as many caches' handlers run at once. */
    static final int THREADS = 4;
    static final long KEEP_ALIVE_SECONDS = 10;
    /** How long a stop waits for the event threads to end. */
    private static final long STOP_MILLIS = 2_000;

    private final Map<ServiceReference<EventHandler>, Set<EventKind>> handlers = new HashMap<>();
    private volatile Set<EventKind> subscribed = EnumSet.noneOf(EventKind.class);
    private final AtomicInteger threadCount = new AtomicInteger();
    /** Every thread the pool made, so a stop can wait until each has ended, not only its task. */
    private final Set<Thread> made = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor threads = new ThreadPoolExecutor(THREADS, THREADS, KEEP_ALIVE_SECONDS,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(() -> {
                try {
                    r.run();
                } finally {
                    made.remove(Thread.currentThread());
                }
            }, "lapse-events-" + threadCount.incrementAndGet());
            t.setDaemon(true);
            made.add(t);
            return t;
        });

    /** For SCR, which sets the EventAdmin in its field. */
    public EventBridge() {
    }

    /**
     * With its EventAdmin given, as SCR would set it: for running the bridge without a framework.
     *
     * @param eventAdmin the EventAdmin, or {@code null} for none
     */
    EventBridge(EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    @Activate
    void activate() {
        threads.allowCoreThreadTimeOut(true);
    }

    /**
     * Stops the event threads: the caches, which depend on this component, have delivered or
     * dropped their backlogs already; a thread still in a handler is interrupted after
     * {@value #STOP_MILLIS} ms.
     */
    @Deactivate
    void deactivate() {
        threads.shutdown();
        try {
            if (!threads.awaitTermination(STOP_MILLIS, TimeUnit.MILLISECONDS)) {
                threads.shutdownNow();
                threads.awaitTermination(STOP_MILLIS, TimeUnit.MILLISECONDS);
            }
            // the pool is terminated once its tasks are; its threads end a moment later
            for (Thread t : made) {
                t.join(STOP_MILLIS);
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** @return what runs the caches' deliveries */
    Executor executor() {
        return threads;
    }

    @Reference(service = EventHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void addHandler(ServiceReference<EventHandler> handler) {
        handlers.put(handler, kindsOf(handler.getProperty(EventConstants.EVENT_TOPIC)));
        recompute();
    }

    synchronized void updatedHandler(ServiceReference<EventHandler> handler) {
        addHandler(handler);
    }

    synchronized void removeHandler(ServiceReference<EventHandler> handler) {
        handlers.remove(handler);
        recompute();
    }

    private void recompute() {
        Set<EventKind> kinds = EnumSet.noneOf(EventKind.class);
        handlers.values().forEach(kinds::addAll);
        subscribed = kinds;
    }

    /** The kinds whose topic one of the handler's {@code event.topics} patterns matches. */
    static Set<EventKind> kindsOf(Object topics) {
        Set<EventKind> kinds = EnumSet.noneOf(EventKind.class);
        if (topics instanceof String) {
            addMatching((String) topics, kinds);
        } else if (topics instanceof String[]) {
            for (String t : (String[]) topics) {
                addMatching(t, kinds);
            }
        } else if (topics instanceof Collection) {
            for (Object t : (Collection<?>) topics) {
                if (t instanceof String) {
                    addMatching((String) t, kinds);
                }
            }
        }
        return kinds;
    }

    private static void addMatching(String pattern, Set<EventKind> kinds) {
        for (Map.Entry<EventKind, String> topic : TOPICS.entrySet()) {
            String t = topic.getValue();
            boolean matches = pattern.equals("*") || pattern.equals(t)
                || (pattern.endsWith("/*") && t.startsWith(pattern.substring(0, pattern.length() - 1)));
            if (matches) {
                kinds.add(topic.getKey());
            }
        }
    }

    /**
     * Tells whether any handler subscribes to the topic of a kind.
     *
     * @param kind the kind
     * @return {@code true} if an event of that kind would reach someone
     */
    boolean subscribed(EventKind kind) {
        return subscribed.contains(kind);
    }

    /**
     * Returns the topic of a kind.
     *
     * @param kind the kind
     * @return the EventAdmin topic
     */
    static String topic(EventKind kind) {
        return TOPICS.get(kind);
    }

    /**
     * Delivers an event to its handlers, on the calling event thread.
     *
     * @param event the event
     * @return {@code true} if EventAdmin took it; {@code false} if there is no EventAdmin or it
     *     refused (it is stopping)
     */
    boolean send(Event event) {
        EventAdmin admin = eventAdmin;
        if (admin == null) {
            return false;
        }
        try {
            admin.sendEvent(event);
            return true;
        } catch (IllegalStateException | SecurityException e) {
            return false;
        }
    }
}
