package io.lapse.impl.osgi;

import java.util.Collections;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.osgi.service.component.annotations.Component;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheService;

/**
 * The {@link CacheService}: the caches that exist now, by name. Caches claim their name here
 * when they come up and release it when they go, so a name is held by at most one
 * configuration at a time.
 *
 * <p>Thread safety: a concurrent map; claims are atomic.
 */
@Component(service = {CacheService.class, CacheDirectory.class})
public final class CacheDirectory implements CacheService {

    private final ConcurrentMap<String, Claim> caches = new ConcurrentHashMap<>();

    /**
     * Who holds a name: the configuration's PID and its cache, and whether lookups find it yet (a
     * cache with a store is found only once its load at start has finished).
     */
    private static final class Claim {
        final String pid;
        final Cache cache;
        volatile boolean visible;

        Claim(String pid, Cache cache, boolean visible) {
            this.pid = pid;
            this.cache = cache;
            this.visible = visible;
        }
    }

    /**
     * Claims a name for a cache.
     *
     * @param name the cache name
     * @param pid the PID of the cache's configuration, for messages
     * @param cache the cache
     * @param visible whether {@link #find} and {@link #names} show it now, or only after {@link #show}
     * @throws IllegalArgumentException if another configuration holds the name
     */
    void claim(String name, String pid, Cache cache, boolean visible) {
        Claim held = caches.putIfAbsent(name, new Claim(pid, cache, visible));
        if (held != null && held.cache != cache) {
            throw new IllegalArgumentException("the cache name '" + name + "' is already used by configuration "
                + held.pid + "; give one of them another name");
        }
    }

    /** Lets lookups find a cache claimed as not visible yet. */
    void show(String name, Cache cache) {
        Claim held = caches.get(name);
        if (held != null && held.cache == cache) {
            held.visible = true;
        }
    }

    /** Releases a name, if this cache holds it. */
    void release(String name, Cache cache) {
        caches.computeIfPresent(name, (n, held) -> held.cache == cache ? null : held);
    }

    @Override
    public Optional<Cache> find(String name) {
        Objects.requireNonNull(name, "name");
        Claim claim = caches.get(name);
        return claim == null || !claim.visible ? Optional.empty() : Optional.of(claim.cache);
    }

    @Override
    public Cache get(String name) {
        return find(name).orElseThrow(() -> new NoSuchElementException(
            "no cache named '" + name + "'; the caches are " + (names().isEmpty() ? "none" : names())));
    }

    @Override
    public SortedSet<String> names() {
        TreeSet<String> names = new TreeSet<>();
        caches.forEach((name, claim) -> {
            if (claim.visible) {
                names.add(name);
            }
        });
        return Collections.unmodifiableSortedSet(names);
    }
}
