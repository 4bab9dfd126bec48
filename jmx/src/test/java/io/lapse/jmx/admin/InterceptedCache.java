package io.lapse.jmx.admin;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.lapse.cache.Cache;

/**
 * A {@link Cache} that forwards to a real one, counting the calls of each method by name, and
 * throwing what a test asks instead of forwarding the methods it names: a cache that fails the
 * way no real one can be made to on demand (an {@code Error}, a bug).
 *
 * <p>Safe for use by any number of threads.
 */
public final class InterceptedCache {

    private final Cache delegate;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Map<String, Supplier<? extends Throwable>> failures = new ConcurrentHashMap<>();
    private final Cache proxy;

    /** @param delegate the cache every call not made to fail goes to */
    public InterceptedCache(Cache delegate) {
        this.delegate = delegate;
        this.proxy = (Cache) Proxy.newProxyInstance(Cache.class.getClassLoader(), new Class<?>[] {Cache.class},
            (p, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    // each interceptor is a cache of its own, whatever it forwards to
                    switch (method.getName()) {
                        case "equals": return p == args[0];
                        case "hashCode": return System.identityHashCode(p);
                        default: return "InterceptedCache(" + delegate.name() + ")";
                    }
                }
                calls.computeIfAbsent(method.getName(), n -> new AtomicInteger()).incrementAndGet();
                Supplier<? extends Throwable> failure = failures.get(method.getName());
                if (failure != null) {
                    throw failure.get();
                }
                try {
                    return method.invoke(delegate, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }

    /** @return the cache to hand to the code under test */
    public Cache cache() {
        return proxy;
    }

    /**
     * Makes every later call of a method throw instead of reaching the real cache.
     *
     * @param method the method's name, e.g. {@code stats}
     * @param failure makes what to throw, afresh for each call
     * @return this
     */
    public InterceptedCache failing(String method, Supplier<? extends Throwable> failure) {
        failures.put(method, failure);
        return this;
    }

    /**
     * @param method a method's name
     * @return how many times it was called, failed calls included
     */
    public int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    /** @return the real cache */
    public Cache delegate() {
        return delegate;
    }
}
