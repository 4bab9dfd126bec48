package io.lapse.bench;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventHandler;

import io.lapse.cache.CacheEvents;

/**
 * The benchmark's subscriber to {@code cache/expired}: records each event's lateness against the
 * deadline the event reports. Felix EventAdmin's {@code IgnoreTimeout} names this class when the
 * handler is run exempt from the timeout.
 */
public final class ExpiredEventHandler implements EventHandler {

    private final LatenessRecorder recorder;

    ExpiredEventHandler(LatenessRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void handleEvent(Event event) {
        long deadlineMillis = (Long) event.getProperty(CacheEvents.CACHE_EXPIRES);
        recorder.record((String) event.getProperty(CacheEvents.CACHE_KEY), deadlineMillis * 1_000L);
    }
}
