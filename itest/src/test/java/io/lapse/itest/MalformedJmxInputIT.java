package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import javax.management.RuntimeMBeanException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.lapse.cache.Cache;
import io.lapse.cache.CacheEntry;

/**
 * 1,000 malformed inputs through a remote JMX connection: nulls, 1 MB strings, invalid and
 * over-complex regexes, {@code (a+)+$} against long keys and values, negative offsets and
 * limits, unknown caches, wrong signatures. Each must answer within 1 s with a clear error of an
 * expected standard type (or, for a valid but pathological regex, with a prompt answer that
 * removes nothing), and the cache's contents must be exactly as before.
 */
class MalformedJmxInputIT {

    @RegisterExtension
    static final FelixExtension FELIX = new FelixExtension();

    private static final String S = String.class.getName();
    private static final String L = "long";
    private static final String I = "int";
    private static final String MEGABYTE = "m".repeat(1024 * 1024);
    private static final Duration EACH_WITHIN = Duration.ofSeconds(1);

    /** One call and what it is, for failure messages. */
    private static final class Input {
        final String what;
        final ObjectName bean;
        final String operation;
        final Object[] args;
        final String[] signature;

        Input(String what, ObjectName bean, String operation, Object[] args, String[] signature) {
            this.what = what;
            this.bean = bean;
            this.operation = operation;
            this.args = args;
            this.signature = signature;
        }
    }

    @Test
    void aThousandMalformedInputsEachGetAClearErrorFastAndChangeNothing() throws Exception {
        Cache cache = FELIX.caches().create("target", "size", "4");
        String longValue = "a".repeat(100_000) + "!";
        for (int i = 0; i < 4; i++) {
            cache.put("long-value-" + i, longValue);
        }
        cache.put("a".repeat(Cache.MAX_KEY_LENGTH - 1) + "!", "long key");
        cache.put("number", 42L, Duration.ofHours(1));
        cache.put("bytes", new byte[] {1, 2, 3});
        for (int i = 0; i < 50; i++) {
            cache.put("user:" + i, "v" + i);
        }
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=target");
        Await.until("the target MBean", () -> FELIX.felix() != null && registered(bean));
        Map<String, String> before = snapshot(cache);

        List<Input> inputs = inputs(bean);
        assertEquals(1000, inputs.size());
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        try (RemoteJmx jmx = RemoteJmx.connect()) {
            MBeanServerConnection server = jmx.connection();
            for (Input input : inputs) {
                long start = System.nanoTime();
                String outcome = call(server, input);
                long tookNanos = System.nanoTime() - start;
                assertTrue(tookNanos <= EACH_WITHIN.toNanos(),
                    input.what + " took " + tookNanos / 1_000_000 + " ms, more than " + EACH_WITHIN.toMillis() + " ms");
                outcomes.merge(outcome, 1, Integer::sum);
            }
        }
        Map<String, String> after = snapshot(cache);
        assertTrue(sameContents(before, after), () -> "the cache's contents changed: " + difference(before, after));
        assertTrue(outcomes.keySet().containsAll(List.of("IllegalArgumentException", "InstanceNotFoundException",
            "ReflectionException", "answered 0")), outcomes.toString());
    }

    /** Calls and classifies the outcome, failing on anything but a clear error of an expected type. */
    private static String call(MBeanServerConnection server, Input input) throws Exception {
        Object result;
        try {
            result = server.invoke(input.bean, input.operation, input.args, input.signature);
        } catch (RuntimeMBeanException e) {
            Throwable cause = e.getCause();
            if (cause == null || (cause.getClass() != IllegalArgumentException.class
                && cause.getClass() != IllegalStateException.class)) {
                fail(input.what + ": unexpected " + cause, e);
            }
            assertClear(input, cause.getMessage());
            assertEquals(0, cause.getStackTrace().length, input.what + ": the server's stack crossed to the client");
            return cause.getClass().getSimpleName();
        } catch (InstanceNotFoundException e) {
            assertClear(input, e.getMessage());
            assertTrue(e.getMessage().contains(input.bean.toString()), input.what + ": " + e.getMessage());
            return "InstanceNotFoundException";
        } catch (ReflectionException e) {
            // a call whose signature matches no operation, refused by the MBeanServer itself
            assertClear(input, e.getMessage());
            return "ReflectionException";
        }
        if (input.what.startsWith("pathological")) {
            assertEquals(0L, result, input.what + ": matched something");
            return "answered 0";
        }
        fail(input.what + " was accepted and answered " + result);
        return "unreachable";
    }

    private static void assertClear(Input input, String message) {
        assertTrue(message != null && !message.isBlank(), input.what + ": no message");
        assertTrue(message.length() < 2000 && !message.contains("\n"), input.what + ": not one short line: "
            + message.substring(0, Math.min(200, message.length())));
    }

    /** Exactly 1,000 inputs, cycling through the kinds of malformation with varied values. */
    private static List<Input> inputs(ObjectName bean) throws Exception {
        Random random = new Random(20261122);
        List<Input> all = new ArrayList<>();
        String[] invalidRegexes = {"(unclosed", "[a-", "*x", "a{2,1}", "(?P<x", "\\", "x{1001}", "(?<=a)b", "a**",
            "[[:nope:]]", "(?i", "\\8"};
        String[] complexRegexes = {"((a{1000}){1000}){1000}", "(x{100}){100}", "((((a{100}){100}){100}){100})",
            "([ab]{1000}){10}"};
        String[] regexOps = {"removeKeysMatching", "removeValuesMatching", "countKeysMatching"};
        String[] keyOps = {"get", "delete"};
        int n = 0;
        while (all.size() < 1000) {
            int kind = n++ % 14;
            String op = regexOps[random.nextInt(regexOps.length)];
            ObjectName unknown = new ObjectName("io.lapse:type=Cache,name=nosuch-" + random.nextInt(1000));
            switch (kind) {
                case 0:
                    all.add(new Input("null key to " + keyOps[n % 2], bean, keyOps[n % 2], new Object[] {null}, sig(S)));
                    break;
                case 1:
                    all.add(new Input("null value to sets", bean, "sets", new Object[] {"k" + n, null}, sig(S, S)));
                    break;
                case 2:
                    all.add(new Input("1 MB key to sets", bean, "sets", new Object[] {MEGABYTE, "v"}, sig(S, S)));
                    break;
                case 3:
                    all.add(new Input("1 MB key to " + keyOps[n % 2], bean, keyOps[n % 2], new Object[] {MEGABYTE},
                        sig(S)));
                    break;
                case 4:
                    all.add(new Input("1 MB regex to " + op, bean, op, new Object[] {MEGABYTE}, sig(S)));
                    break;
                case 5:
                    String invalid = invalidRegexes[random.nextInt(invalidRegexes.length)];
                    all.add(new Input("invalid regex " + invalid + " to " + op, bean, op, new Object[] {invalid}, sig(S)));
                    break;
                case 6:
                    String complex = complexRegexes[random.nextInt(complexRegexes.length)];
                    all.add(new Input("over-complex regex " + complex + " to " + op, bean, op, new Object[] {complex},
                        sig(S)));
                    break;
                case 7:
                    // valid, and catastrophic for a backtracking engine: it must answer at once, removing nothing
                    String pathological = random.nextBoolean() ? "removeValuesMatching" : "countKeysMatching";
                    all.add(new Input("pathological (a+)+$ to " + pathological, bean, pathological,
                        new Object[] {"(a+)+$"}, sig(S)));
                    break;
                case 8:
                    long offset = -1 - random.nextInt(Integer.MAX_VALUE);
                    all.add(new Input("negative offset " + offset, bean, "dump", new Object[] {offset, 10}, sig(L, I)));
                    break;
                case 9:
                    int limit = random.nextBoolean() ? 0 : -1 - random.nextInt(Integer.MAX_VALUE);
                    all.add(new Input("limit " + limit, bean, "dump", new Object[] {0L, limit}, sig(L, I)));
                    break;
                case 10:
                    all.add(new Input("unknown cache " + unknown, unknown, "sets", new Object[] {"k", "v"}, sig(S, S)));
                    break;
                case 11:
                    long seconds = random.nextBoolean() ? -1 - random.nextInt(1000) : Long.MAX_VALUE;
                    all.add(new Input("setex seconds " + seconds, bean, "setex", new Object[] {"user:1", seconds},
                        sig(S, L)));
                    break;
                case 12:
                    all.add(new Input("empty key to sets", bean, "sets", new Object[] {"", "v"}, sig(S, S)));
                    break;
                default:
                    all.add(new Input("wrong signature for sets", bean, "sets", new Object[] {"k"}, sig(S)));
            }
        }
        return all;
    }

    private static String[] sig(String... types) {
        return types;
    }

    /** Each entry as key (shortened) to value type, length, hash and deadline: short enough to print. */
    private static Map<String, String> snapshot(Cache cache) {
        Map<String, String> all = new HashMap<>();
        for (CacheEntry e : cache) {
            Object v = e.value();
            String value = v instanceof byte[] ? "byte[" + ((byte[]) v).length + "]#" + Arrays.hashCode((byte[]) v)
                : v.getClass().getSimpleName() + "(" + v.toString().length() + ")#" + v.hashCode();
            all.put(shortKey(e.key()), value + " until " + e.expiresAtMillis());
        }
        return all;
    }

    /**
     * Whether two snapshots hold the same entries with the same deadlines. A deadline's epoch
     * rendering may move by a millisecond or two as the engine refines its estimate of the wall
     * clock, while the deadline itself stays: those count as the same.
     */
    private static boolean sameContents(Map<String, String> before, Map<String, String> after) {
        if (!before.keySet().equals(after.keySet())) {
            return false;
        }
        for (Map.Entry<String, String> e : before.entrySet()) {
            String[] was = e.getValue().split(" until ");
            String[] is = after.get(e.getKey()).split(" until ");
            if (!was[0].equals(is[0]) || Math.abs(Long.parseLong(was[1]) - Long.parseLong(is[1])) > 5) {
                return false;
            }
        }
        return true;
    }

    private static String shortKey(String key) {
        return key.length() <= 20 ? key : key.substring(0, 10) + "...(" + key.length() + ")#" + key.hashCode();
    }

    private static String difference(Map<String, String> before, Map<String, String> after) {
        Map<String, String> lost = new TreeMap<>(before);
        after.forEach((k, v) -> lost.remove(k, v));
        Map<String, String> found = new TreeMap<>(after);
        before.forEach((k, v) -> found.remove(k, v));
        return "before only " + lost + ", after only " + found;
    }

    private static boolean registered(ObjectName bean) {
        return java.lang.management.ManagementFactory.getPlatformMBeanServer().isRegistered(bean);
    }
}
