package io.lapse.impl.osgi;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * The service registry of a framework, without the framework: a {@link BundleContext} (a
 * {@link Proxy}) that records every service registered through it, with its properties as they
 * change and whether it was unregistered, and that serves the registered services to
 * {@code ServiceTracker}s (listeners, references, filters as the framework reads them). Anything
 * else a component asks of the context fails the test with {@link UnsupportedOperationException}.
 *
 * <p>Thread safety: any thread; registrations and listeners are in concurrent lists.
 */
final class FakeFramework {

    /** One service registered through the context. */
    static final class Registered {
        final List<String> classes;
        final Object service;
        final ServiceReference<?> reference;
        final ServiceRegistration<?> registration;
        private volatile Map<String, Object> properties;
        private volatile boolean unregistered;
        private volatile int propertyChanges;

        private Registered(FakeFramework framework, List<String> classes, Object service, Dictionary<String, ?> given) {
            this.classes = classes;
            this.service = service;
            this.properties = withFrameworkProperties(given, classes, framework.nextId.incrementAndGet());
            this.reference = proxy(ServiceReference.class, (proxy, method, args) -> referenceCall(proxy, method, args));
            this.registration = proxy(ServiceRegistration.class, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "getReference":
                        checkRegistered();
                        return reference;
                    case "setProperties":
                        checkRegistered();
                        Map<String, Object> before = properties;
                        properties = withFrameworkProperties(castDictionary(args[0]), classes,
                            (Long) properties.get(Constants.SERVICE_ID));
                        propertyChanges++;
                        framework.modified(this, before);
                        return null;
                    case "unregister":
                        checkRegistered();
                        framework.fire(ServiceEvent.UNREGISTERING, this);
                        unregistered = true;
                        return null;
                    default:
                        return objectCall(proxy, method, args);
                }
            });
        }

        /** @return the service's properties now */
        Map<String, Object> properties() {
            return properties;
        }

        /** @return a property's value now */
        Object property(String key) {
            return properties.get(key);
        }

        /** @return whether it was unregistered */
        boolean unregistered() {
            return unregistered;
        }

        /** @return how many times its properties were changed */
        int propertyChanges() {
            return propertyChanges;
        }

        private void checkRegistered() {
            if (unregistered) {
                // what a framework throws for a registration used after its unregister
                throw new IllegalStateException("the service " + classes + " is already unregistered");
            }
        }

        private Object referenceCall(Object proxy, Method method, Object[] args) {
            switch (method.getName()) {
                case "getProperty":
                    return properties.get((String) args[0]);
                case "getPropertyKeys":
                    return properties.keySet().toArray(new String[0]);
                case "getProperties":
                    return new Hashtable<>(properties);
                case "isAssignableTo":
                    return true;
                case "getBundle":
                case "getUsingBundles":
                    return null;
                case "compareTo":
                    return Long.compare((Long) ((ServiceReference<?>) args[0]).getProperty(Constants.SERVICE_ID),
                        (Long) properties.get(Constants.SERVICE_ID));
                default:
                    return objectCall(proxy, method, args);
            }
        }

        @Override
        public String toString() {
            return classes + " " + properties + (unregistered ? " (unregistered)" : "");
        }
    }

    private static final class Listening {
        final ServiceListener listener;
        final Filter filter;

        Listening(ServiceListener listener, Filter filter) {
            this.listener = listener;
            this.filter = filter;
        }
    }

    private final AtomicLong nextId = new AtomicLong();
    private final List<Registered> registered = new CopyOnWriteArrayList<>();
    private final List<Listening> listeners = new CopyOnWriteArrayList<>();
    private final BundleContext context = proxy(BundleContext.class, this::contextCall);
    /** The bundle's data area that {@code getDataFile} answers from; {@code null} for a framework without one. */
    volatile java.nio.file.Path dataArea;

    /** @return the context to give a component */
    BundleContext context() {
        return context;
    }

    /** Registers a service as another bundle would, e.g. a database. */
    Registered register(String className, Object service, Map<String, Object> properties) {
        return register(List.of(className), service, new Hashtable<>(properties));
    }

    /** @return every service registered through the context, in order, unregistered ones included */
    List<Registered> registered() {
        return List.copyOf(registered);
    }

    /** @return the services of a class, in the order they were registered, unregistered ones included */
    List<Registered> registered(Class<?> type) {
        return registered.stream().filter(r -> r.classes.contains(type.getName())).collect(Collectors.toList());
    }

    /** @return the services of a class that are registered now */
    List<Registered> live(Class<?> type) {
        return registered(type).stream().filter(r -> !r.unregistered()).collect(Collectors.toList());
    }

    /** @return how many service listeners are open, such as those of service trackers */
    int listenerCount() {
        return listeners.size();
    }

    private Object contextCall(Object proxy, Method method, Object[] args) throws InvalidSyntaxException {
        switch (method.getName()) {
            case "registerService":
                return register(classesOf(args[0]), args[1], castDictionary(args[2])).registration;
            case "createFilter":
                return FrameworkUtil.createFilter((String) args[0]);
            case "addServiceListener":
                listeners.add(new Listening((ServiceListener) args[0],
                    args.length > 1 && args[1] != null ? FrameworkUtil.createFilter((String) args[1]) : null));
                return null;
            case "removeServiceListener":
                listeners.removeIf(l -> l.listener == args[0]);
                return null;
            case "getServiceReferences":
            case "getAllServiceReferences":
                if (args[0] instanceof Class) {
                    throw new UnsupportedOperationException("getServiceReferences(Class, String)");
                }
                return references((String) args[0], (String) args[1]);
            case "getService":
                return registered.stream().filter(r -> r.reference == args[0] && !r.unregistered()).map(r -> r.service)
                    .findFirst().orElse(null);
            case "ungetService":
                return Boolean.TRUE;
            case "getProperty":
                return null;
            case "getDataFile":
                return dataArea == null ? null : dataArea.resolve((String) args[0]).toFile();
            default:
                return objectCall(proxy, method, args);
        }
    }

    private Registered register(List<String> classes, Object service, Dictionary<String, ?> properties) {
        Registered r = new Registered(this, classes, service, properties);
        registered.add(r);
        fire(ServiceEvent.REGISTERED, r);
        return r;
    }

    private ServiceReference<?>[] references(String className, String filter) throws InvalidSyntaxException {
        Filter f = filter == null ? null : FrameworkUtil.createFilter(filter);
        List<ServiceReference<?>> found = new ArrayList<>();
        for (Registered r : registered) {
            if (!r.unregistered() && (className == null || r.classes.contains(className))
                && (f == null || f.matches(r.properties()))) {
                found.add(r.reference);
            }
        }
        return found.isEmpty() ? null : found.toArray(new ServiceReference<?>[0]);
    }

    private void fire(int type, Registered r) {
        ServiceEvent event = new ServiceEvent(type, r.reference);
        for (Listening l : listeners) {
            if (l.filter == null || l.filter.matches(r.properties())) {
                l.listener.serviceChanged(event);
            }
        }
    }

    /** Tells listeners of a change of properties, as a framework does: ENDMATCH to those it no longer matches. */
    private void modified(Registered r, Map<String, Object> before) {
        for (Listening l : listeners) {
            if (l.filter == null || l.filter.matches(r.properties())) {
                l.listener.serviceChanged(new ServiceEvent(ServiceEvent.MODIFIED, r.reference));
            } else if (l.filter.matches(before)) {
                l.listener.serviceChanged(new ServiceEvent(ServiceEvent.MODIFIED_ENDMATCH, r.reference));
            }
        }
    }

    private static List<String> classesOf(Object classes) {
        if (classes instanceof Class) {
            return List.of(((Class<?>) classes).getName());
        }
        if (classes instanceof String) {
            return List.of((String) classes);
        }
        return List.of((String[]) classes);
    }

    @SuppressWarnings("unchecked")
    private static Dictionary<String, ?> castDictionary(Object dictionary) {
        return (Dictionary<String, ?>) dictionary;
    }

    private static Map<String, Object> withFrameworkProperties(Dictionary<String, ?> given, List<String> classes,
        long id) {
        Map<String, Object> properties = new HashMap<>();
        if (given != null) {
            for (String key : Collections.list(given.keys())) {
                properties.put(key, given.get(key));
            }
        }
        properties.put(Constants.OBJECTCLASS, classes.toArray(new String[0]));
        properties.put(Constants.SERVICE_ID, id);
        return Collections.unmodifiableMap(properties);
    }

    /** {@code equals}, {@code hashCode} and {@code toString} of a proxy, by identity. */
    static Object objectCall(Object proxy, Method method, Object[] args) {
        switch (method.getName()) {
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return proxy.getClass().getInterfaces()[0].getSimpleName() + "@"
                    + Integer.toHexString(System.identityHashCode(proxy));
            default:
                throw new UnsupportedOperationException(method.toString());
        }
    }

    static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(FakeFramework.class.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
