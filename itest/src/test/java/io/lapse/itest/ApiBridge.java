package io.lapse.itest;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEntry;
import io.lapse.cache.CacheStats;
import io.lapse.cache.Match;

/**
 * A typed view of Lapse's API across the class-loader boundary of the framework.
 *
 * <p>The tests are compiled against {@code io.lapse.cache} from the test class path, while the
 * services in the framework implement the api <em>bundle's</em> {@code io.lapse.cache} classes:
 * same names, different {@link Class}es, so a cast fails. {@link #wrap} returns a
 * {@link Proxy} implementing the test-side interface that forwards every call, by reflection, to
 * the method of the same name and (translated) parameter types of the framework-side interface.
 *
 * <h2>Translation</h2>
 * Values whose class is in {@code io.lapse.cache} are rebuilt on the other side:
 * <ul>
 * <li>{@code Match}: by calling the other side's {@code Match.regex}, {@code prefix} or
 * {@code glob} with the pattern, according to {@code kind()};</li>
 * <li>{@code Match.Kind}: the other side's constant of the same name;</li>
 * <li>{@code CacheEntry}: {@code new CacheEntry(key(), value(), expiresAtMillis())};</li>
 * <li>{@code CacheStats}: {@code CacheStats.builder()} with every property set whose public no-arg
 * getter has a builder method of the same name (derived figures such as {@code gets()} have none);
 * a builder property without a getter fails the translation rather than lose a figure;</li>
 * <li>a framework-side object implementing API interfaces (a {@code Cache}, a
 * {@code CacheService}) becomes a proxy of this kind, and a proxy of this kind passed back becomes
 * its framework-side object again.</li>
 * </ul>
 * {@link Optional} and {@link Iterator} results are translated element by element (lazily for an
 * iterator). Everything else, notably the JDK types of the API ({@code String}, {@code Long},
 * {@code byte[]}, {@code Duration}, {@code Set}, functions such as {@code BiFunction}), passes
 * unchanged. Collections are not searched for API elements: the API has none.
 *
 * <h2>Exceptions</h2>
 * The {@link InvocationTargetException} of the reflective call is unwrapped: the test sees the
 * exception the service threw. The API throws only JDK exceptions, so these need no translation.
 *
 * <h2>Calls into test code</h2>
 * A default method of the test-side interface (e.g. {@code Iterable.forEach}) runs on the proxy,
 * so it goes through the translated abstract methods. Functions passed to the framework
 * ({@code compute}'s {@code BiFunction}) are called with JDK values only, so they pass unchanged.
 *
 * <p>Instances are immutable and thread-safe; proxies are as thread-safe as the objects behind
 * them.
 */
public final class ApiBridge {

    /** The package whose classes are translated. */
    public static final String API_PACKAGE = Cache.class.getPackageName();

    private static final ClassLoader TEST_SIDE = Cache.class.getClassLoader();

    private final ClassLoader frameworkSide;

    /**
     * Framework-side methods by test-side method, for this bridge's proxies. Per bridge, not
     * static: each framework (one per test class) has its own api bundle classes.
     */
    private final Map<Method, Method> remoteMethods = new ConcurrentHashMap<>();

    private ApiBridge(ClassLoader frameworkSide) {
        this.frameworkSide = Objects.requireNonNull(frameworkSide, "frameworkSide");
        if (frameworkSide == TEST_SIDE) {
            throw new IllegalArgumentException("the framework-side class loader is the test class path's: "
                + API_PACKAGE + " must not be exported by the system bundle");
        }
    }

    /**
     * Returns a bridge to the API classes of a bundle.
     *
     * @param apiBundle the bundle whose class loader serves {@code io.lapse.cache}, normally
     *     {@code io.lapse.api}; it must be resolved
     * @return the bridge
     * @throws IllegalStateException if the bundle is not resolved
     */
    public static ApiBridge of(Bundle apiBundle) {
        BundleWiring wiring = apiBundle.adapt(BundleWiring.class);
        if (wiring == null || wiring.getClassLoader() == null) {
            throw new IllegalStateException(apiBundle.getSymbolicName() + " is not resolved: no class loader");
        }
        return new ApiBridge(wiring.getClassLoader());
    }

    /**
     * Returns a test-side view of a framework-side API object, e.g. a {@code Cache} service.
     *
     * @param <T> the test-side interface
     * @param type the test-side interface, from {@code io.lapse.cache}
     * @param frameworkObject an object implementing the framework-side interface of the same name
     * @return a proxy implementing {@code type}
     * @throws IllegalArgumentException if {@code type} is not an API interface, or the object
     *     does not implement the framework-side interface of that name
     */
    public static <T> T wrap(Class<T> type, Object frameworkObject) {
        Objects.requireNonNull(frameworkObject, "frameworkObject");
        Class<?> remote = findApiInterface(frameworkObject.getClass(), type.getName());
        if (remote == null) {
            throw new IllegalArgumentException(frameworkObject.getClass().getName() + " does not implement a "
                + "framework-side " + type.getName() + "; it implements " + apiInterfaces(frameworkObject.getClass()));
        }
        return new ApiBridge(remote.getClassLoader()).proxy(type, frameworkObject);
    }

    /**
     * Returns a test-side view of a framework-side API object, built by this bridge.
     *
     * @param <T> the test-side interface
     * @param type the test-side interface, from {@code io.lapse.cache}
     * @param frameworkObject an object implementing this bridge's framework-side {@code type}
     * @return a proxy implementing {@code type}
     * @throws IllegalArgumentException if {@code type} is not an API interface or the object does
     *     not implement its framework-side counterpart
     */
    public <T> T proxy(Class<T> type, Object frameworkObject) {
        return type.cast(proxy(List.of(type), frameworkObject));
    }

    private Object proxy(List<Class<?>> testSideTypes, Object frameworkObject) {
        for (Class<?> type : testSideTypes) {
            if (!type.isInterface() || !isApi(type) || type.getClassLoader() != TEST_SIDE) {
                throw new IllegalArgumentException(type + " is not a test-side interface of " + API_PACKAGE);
            }
            if (!frameworkClass(type).isInstance(frameworkObject)) {
                throw new IllegalArgumentException(frameworkObject.getClass().getName()
                    + " does not implement this bridge's framework-side " + type.getName());
            }
        }
        return Proxy.newProxyInstance(TEST_SIDE, testSideTypes.toArray(new Class<?>[0]),
            new Forwarder(this, frameworkObject));
    }

    /**
     * Tells whether an object is a proxy made by an {@code ApiBridge}.
     *
     * @param object any object, may be {@code null}
     * @return {@code true} for a bridge proxy
     */
    public static boolean isBridge(Object object) {
        return object != null && Proxy.isProxyClass(object.getClass())
            && Proxy.getInvocationHandler(object) instanceof Forwarder;
    }

    /**
     * Returns the framework-side object behind a bridge proxy.
     *
     * @param proxy a proxy made by an {@code ApiBridge}
     * @return the framework-side object
     * @throws IllegalArgumentException if {@code proxy} is not a bridge proxy
     */
    public static Object unwrap(Object proxy) {
        if (!isBridge(proxy)) {
            throw new IllegalArgumentException("not an ApiBridge proxy: " + proxy);
        }
        return ((Forwarder) Proxy.getInvocationHandler(proxy)).remote;
    }

    /**
     * Translates a test-side value for the framework side (an argument).
     *
     * @param value a test-side value, may be {@code null}
     * @return the framework-side equivalent: an API value rebuilt from the api bundle's classes,
     *     the object behind a bridge proxy, or {@code value} itself for any other type
     * @throws IllegalArgumentException for a test-side API object the bridge cannot rebuild
     */
    public Object toFramework(Object value) {
        if (value == null) {
            return null;
        }
        if (isBridge(value)) {
            return unwrap(value);
        }
        Class<?> type = value.getClass();
        if (!isApi(type) || type.getClassLoader() != TEST_SIDE) {
            return value; // a JDK type, or already framework-side
        }
        return rebuildValue(value, frameworkClass(type));
    }

    /**
     * Translates a framework-side value for the test side (a result).
     *
     * @param value a framework-side value, may be {@code null}
     * @return the test-side equivalent: an API value rebuilt from the test class path's classes,
     *     a bridge proxy for an object implementing API interfaces, a translating
     *     {@code Optional} or {@code Iterator}, or {@code value} itself for any other type
     * @throws IllegalArgumentException for a framework-side API object the bridge cannot rebuild
     */
    public Object toTest(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Optional) {
            return ((Optional<?>) value).map(this::toTest);
        }
        if (value instanceof Iterator) {
            return new TranslatingIterator((Iterator<?>) value);
        }
        Class<?> type = value.getClass();
        if (isApi(type) && type.getClassLoader() != TEST_SIDE) {
            return rebuildValue(value, testClass(type));
        }
        List<Class<?>> remoteInterfaces = apiInterfaces(type);
        if (!remoteInterfaces.isEmpty()) {
            List<Class<?>> testSide = new ArrayList<>();
            for (Class<?> remote : remoteInterfaces) {
                testSide.add(testClass(remote));
            }
            return proxy(testSide, value);
        }
        return value;
    }

    /** Rebuilds one of the API's value classes as {@code target}, the other side's class. */
    private Object rebuildValue(Object value, Class<?> target) {
        String name = target.getName();
        try {
            if (name.equals(Match.class.getName())) {
                return rebuildMatch(value, target);
            }
            if (name.equals(Match.Kind.class.getName())) {
                return enumConstant(target, ((Enum<?>) value).name());
            }
            if (name.equals(CacheEntry.class.getName())) {
                return target.getConstructor(String.class, Object.class, long.class)
                    .newInstance(call(value, "key"), call(value, "value"), call(value, "expiresAtMillis"));
            }
            if (name.equals(CacheStats.class.getName())) {
                return rebuildStats(value, target);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot rebuild " + value + " as " + describe(target), e);
        }
        throw new IllegalArgumentException("ApiBridge cannot translate " + value.getClass().getName()
            + ": teach it this API class");
    }

    private static Object rebuildMatch(Object match, Class<?> targetMatch) throws ReflectiveOperationException {
        String kind = ((Enum<?>) call(match, "kind")).name();
        String factory;
        switch (kind) {
            case "REGEX": factory = "regex"; break;
            case "PREFIX": factory = "prefix"; break;
            case "GLOB": factory = "glob"; break;
            default: throw new IllegalArgumentException("ApiBridge does not know the Match kind " + kind);
        }
        return targetMatch.getMethod(factory, String.class).invoke(null, (String) call(match, "pattern"));
    }

    private static Object rebuildStats(Object stats, Class<?> targetStats) throws ReflectiveOperationException {
        Object builder = targetStats.getMethod("builder").invoke(null);
        Set<String> unset = new LinkedHashSet<>();
        for (Method setter : builder.getClass().getMethods()) {
            if (setter.getDeclaringClass() == builder.getClass() && setter.getParameterCount() == 1) {
                unset.add(setter.getName());
            }
        }
        for (Method getter : stats.getClass().getMethods()) {
            if (Modifier.isStatic(getter.getModifiers()) || getter.getParameterCount() != 0
                || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Method setter;
            try {
                setter = builder.getClass().getMethod(getter.getName(), getter.getReturnType());
            } catch (NoSuchMethodException derived) {
                continue; // a derived figure such as gets(), or toString()
            }
            setter.invoke(builder, getter.invoke(stats));
            unset.remove(setter.getName());
        }
        if (!unset.isEmpty()) {
            // copying the rest would silently lose these figures
            throw new IllegalStateException("CacheStats.Builder properties without a getter: " + unset);
        }
        return builder.getClass().getMethod("build").invoke(builder);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> enumType, String name) {
        return Enum.valueOf((Class<? extends Enum>) enumType, name);
    }

    private static Object call(Object target, String method) throws ReflectiveOperationException {
        return target.getClass().getMethod(method).invoke(target);
    }

    /** The framework-side class of a test-side type; other types are their own. */
    private Class<?> frameworkClass(Class<?> testSide) {
        if (!isApi(testSide)) {
            return testSide;
        }
        try {
            return frameworkSide.loadClass(testSide.getName());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the framework side has no " + testSide.getName()
                + ": is the api bundle older than the test class path's api?", e);
        }
    }

    /** The test-side class of a framework-side type; other types are their own. */
    private static Class<?> testClass(Class<?> frameworkSide) {
        if (!isApi(frameworkSide)) {
            return frameworkSide;
        }
        try {
            return TEST_SIDE.loadClass(frameworkSide.getName());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the test class path has no " + frameworkSide.getName()
                + ": is its io.lapse.api older than the api bundle?", e);
        }
    }

    private static boolean isApi(Class<?> type) {
        return type.getPackageName().equals(API_PACKAGE);
    }

    private static String describe(Class<?> type) {
        return type.getName() + "@" + type.getClassLoader();
    }

    /** The framework-side API interfaces a class implements, directly or inherited. */
    private static List<Class<?>> apiInterfaces(Class<?> type) {
        Set<Class<?>> found = new LinkedHashSet<>();
        collectApiInterfaces(type, found);
        return new ArrayList<>(found);
    }

    private static void collectApiInterfaces(Class<?> type, Set<Class<?>> found) {
        if (type == null) {
            return;
        }
        for (Class<?> i : type.getInterfaces()) {
            if (isApi(i) && i.getClassLoader() != TEST_SIDE) {
                found.add(i);
            }
            collectApiInterfaces(i, found);
        }
        collectApiInterfaces(type.getSuperclass(), found);
    }

    private static Class<?> findApiInterface(Class<?> type, String name) {
        return apiInterfaces(type).stream().filter(i -> i.getName().equals(name)).findFirst().orElse(null);
    }

    /** Forwards the calls of a proxy to the framework-side object. */
    private static final class Forwarder implements InvocationHandler {
        private final ApiBridge bridge;
        private final Object remote;

        Forwarder(ApiBridge bridge, Object remote) {
            this.bridge = bridge;
            this.remote = remote;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                switch (method.getName()) {
                    case "equals":
                        return proxy == args[0] || isBridge(args[0]) && remote.equals(unwrap(args[0]));
                    case "hashCode":
                        return remote.hashCode();
                    default:
                        return remote.toString();
                }
            }
            if (method.isDefault()) {
                // e.g. Iterable.forEach: run it here, over the translating iterator()
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            Method target = bridge.remoteMethods.computeIfAbsent(method, bridge::remoteMethod);
            Object[] remoteArgs = args == null ? null : new Object[args.length];
            for (int i = 0; args != null && i < args.length; i++) {
                remoteArgs[i] = bridge.toFramework(args[i]);
            }
            Object result;
            try {
                result = target.invoke(remote, remoteArgs);
            } catch (InvocationTargetException e) {
                throw e.getCause(); // what the service threw: a JDK exception
            }
            return bridge.toTest(result);
        }
    }

    /** The framework-side method of the same name and translated parameter types. */
    private Method remoteMethod(Method testSide) {
        Class<?>[] parameters = testSide.getParameterTypes();
        Class<?>[] remoteParameters = new Class<?>[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            remoteParameters[i] = frameworkClass(parameters[i]);
        }
        Class<?> owner = frameworkClass(testSide.getDeclaringClass());
        try {
            // the interface's method, never the implementation class's: that class may be private
            return owner.getMethod(testSide.getName(), remoteParameters);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("the framework-side " + owner.getName() + " has no method "
                + testSide.getName() + List.of(remoteParameters) + ": the api bundle and the test class path differ", e);
        }
    }

    /** Translates the elements of a framework-side iterator as they are read. */
    private final class TranslatingIterator implements Iterator<Object> {
        private final Iterator<?> remote;

        TranslatingIterator(Iterator<?> remote) {
            this.remote = remote;
        }

        @Override
        public boolean hasNext() {
            return remote.hasNext();
        }

        @Override
        public Object next() {
            return toTest(remote.next());
        }

        @Override
        public void remove() {
            remote.remove();
        }
    }
}
