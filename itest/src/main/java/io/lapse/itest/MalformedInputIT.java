package io.lapse.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import javax.management.AttributeNotFoundException;
import javax.management.InstanceNotFoundException;
import javax.management.InvalidAttributeValueException;
import javax.management.MBeanException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import javax.management.RuntimeMBeanException;
import javax.management.RuntimeOperationsException;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

import io.lapse.cache.Cache;
import io.lapse.itest.MalformedInputs.Channel;
import io.lapse.itest.MalformedInputs.Expect;
import io.lapse.itest.MalformedInputs.Input;
import io.lapse.itest.MalformedInputs.Kind;
import io.lapse.testing.Await;

/**
 * The malformed-input checker: more than 10,000 generated malformed inputs ({@link MalformedInputs},
 * every {@link Kind}) through a remote JMX connection and the Gogo shell, against a cache of
 * 100,000 entries. Each input must be answered within 1 s, with a clear error of a documented
 * type or (for an odd but valid input) an answer that changes nothing, and afterwards the cache
 * must hold exactly what it held before (its {@link CacheFingerprint}).
 *
 * <h2>The documented outcomes; anything else fails</h2>
 * Remote JMX:
 * <ul>
 * <li>from Lapse: a {@link RuntimeMBeanException} whose cause is exactly an
 * {@link IllegalArgumentException} (bad input) or {@link IllegalStateException} (the cache
 * cannot serve the call), with a message of one non-blank line of at most
 * {@value #MAX_MESSAGE} characters, no cause and no stack trace;</li>
 * <li>from a Lapse MBean, refusing what its MXBean machinery cannot call: {@link ReflectionException}
 * (no operation of that name and signature), {@link AttributeNotFoundException} (no such attribute,
 * or it is read-only), {@link InvalidAttributeValueException} or {@link MBeanException}, each
 * with a message of one line of at most {@value #MAX_MESSAGE} characters and no stack trace below
 * the exception itself (to which RMI adds the client's own frames);</li>
 * <li>from the MBeanServer, before any MBean is reached: {@link InstanceNotFoundException} (no
 * such MBean) or {@link RuntimeOperationsException} (a null the server itself refuses), with the
 * server's own message, which names the ObjectName as the client sent it.</li>
 * </ul>
 * The Gogo shell:
 * <ul>
 * <li>from a {@code cache:*} command: an {@code IllegalArgumentException} or
 * {@code IllegalStateException} whose message is one line of at most {@value #MAX_MESSAGE}
 * characters starting with the command's name, with no cause and no stack trace, the command
 * having printed nothing;</li>
 * <li>from Gogo, before any command runs: its {@code CommandNotFoundException} or
 * {@code IllegalArgumentException} (cannot coerce), or an {@code EOFException} or
 * {@code SyntaxError} (a line it cannot parse), with Gogo's own message, which names what was
 * typed.</li>
 * </ul>
 * In every case no exception in the chain carries a stack frame or a class of Lapse's bundles,
 * nothing is printed on the session's error stream, and no answer or message holds a line break
 * other than the {@code \n} that ends an output line (no CR, NEL, LS, PS, VT or FF). A removal by
 * pattern that is answered must have removed nothing.
 *
 * <p>The inputs come from a seed, printed at the start; set {@code -Dlapse.malformed.seed=<seed>}
 * to run the same inputs again.
 */
class MalformedInputIT {

    @InjectBundleContext
    static BundleContext context;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static ConfigurationAdmin configAdmin;

    @InjectService(timeout = Await.SERVICE_MILLIS)
    static CommandProcessor commandProcessor;

    private static Caches caches;

    @BeforeAll
    static void caches() {
        caches = new Caches(context, configAdmin);
    }

    @AfterAll
    static void deleteEveryCache() throws Exception {
        caches.deleteAll();
    }

    private static final String CACHE = "target";
    private static final int ENTRIES = 100_000;
    private static final int LONG_VALUES = 4;
    private static final int LONG_KEYS = 4;
    private static final Duration EACH_WITHIN = Duration.ofSeconds(1);
    private static final int MAX_MESSAGE = 2_000;
    /** What a Lapse MBean throws besides RuntimeMBeanException: the JMX machinery's refusals, made clean. */
    private static final Set<String> MBEAN_REFUSALS = Set.of(ReflectionException.class.getName(),
        AttributeNotFoundException.class.getName(), InvalidAttributeValueException.class.getName(),
        MBeanException.class.getName());
    /** What the MBeanServer throws before any MBean is reached. */
    private static final Set<String> JMX_RUNTIME_REFUSALS = Set.of(InstanceNotFoundException.class.getName(),
        RuntimeOperationsException.class.getName());
    /** What Gogo throws before any command is reached. */
    private static final Set<String> GOGO_REFUSALS = Set.of(IllegalArgumentException.class.getName(),
        "org.apache.felix.gogo.runtime.CommandNotFoundException", "org.apache.felix.gogo.runtime.SyntaxError",
        "org.apache.felix.gogo.runtime.EOFError", java.io.EOFException.class.getName());

    /** What happened to the inputs: per kind and channel, the outcomes, timings and every violation. */
    private final Map<Kind, Map<Channel, Integer>> counts = new EnumMap<>(Kind.class);
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private final Map<Kind, Long> slowestByKind = new EnumMap<>(Kind.class);
    private final List<Long> nanos = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private final List<String> overOneSecond = new ArrayList<>();
    private final List<String> costly = new ArrayList<>();

    /** The framework is shared with the other test classes: they must not find this cache. */
    @AfterEach
    void deleteTheCache() throws Exception {
        caches.delete(CACHE);
        caches.awaitGone(CACHE);
    }

    @Test
    void tenThousandMalformedInputsEachGetAClearAnswerWithinOneSecondAndChangeNothing() throws Exception {
        long seed = Long.getLong("lapse.malformed.seed", new Random().nextLong());
        System.out.println("MalformedInputIT: seed " + seed + " (run again with -Dlapse.malformed.seed=" + seed + ")");
        Cache cache = caches.create(CACHE, "size", "10");
        long loadStart = System.nanoTime();
        load(cache);
        assertEquals(ENTRIES, cache.size());
        System.out.println("MalformedInputIT: loaded " + ENTRIES + " entries in "
            + (System.nanoTime() - loadStart) / 1_000_000 + " ms");
        ObjectName bean = new ObjectName("io.lapse:type=Cache,name=" + CACHE);
        Await.until("the target MBean", () -> java.lang.management.ManagementFactory.getPlatformMBeanServer()
            .isRegistered(bean));
        CacheFingerprint before = CacheFingerprint.of(cache);
        List<Input> inputs = new MalformedInputs(seed, CACHE).all();

        long start = System.nanoTime();
        try (RemoteJmx jmx = RemoteJmx.connect(); GogoSession shell = new GogoSession(commandProcessor)) {
            MBeanServerConnection server = jmx.connection();
            Await.until("the cache:* commands", () -> shell.execute("cache:list").thrown == null);
            for (Input input : inputs) {
                run(input, server, shell);
            }
        }
        long total = System.nanoTime() - start;
        CacheFingerprint after = CacheFingerprint.of(cache);
        System.out.println(report(seed, total, before));

        String changed = before.differenceTo(after);
        assertNull(changed, "the cache's contents changed (seed " + seed + "): " + changed);
        assertTrue(violations.isEmpty(), violations.size() + " violations (seed " + seed + "):\n"
            + String.join("\n", violations.subList(0, Math.min(200, violations.size()))));
        assertTrue(inputs.size() >= 10_000, inputs.size() + " inputs");
        assertEquals(inputs.size(), nanos.size());
    }

    /** Runs one input, timing it and checking its outcome. */
    private void run(Input input, MBeanServerConnection server, GogoSession shell) {
        String line = input.channel == Channel.SHELL ? input.line.get() : null;
        long start = System.nanoTime();
        Object answer = null;
        Throwable thrown = null;
        GogoSession.Outcome printed = null;
        try {
            if (line == null) {
                answer = input.jmx.call(server);
            } else {
                printed = shell.execute(line);
                answer = printed.value;
                thrown = printed.thrown;
            }
        } catch (Throwable t) {
            thrown = t;
        }
        long took = System.nanoTime() - start;
        nanos.add(took);
        counts.computeIfAbsent(input.kind, k -> new EnumMap<>(Channel.class)).merge(input.channel, 1, Integer::sum);
        slowestByKind.merge(input.kind, took, Math::max);
        if (took > EACH_WITHIN.toNanos()) {
            String slow = input + " took " + took / 1_000_000 + " ms";
            overOneSecond.add(slow);
            violations.add(slow);
        }
        String outcome = thrown == null ? "answered" : outcomeName(thrown);
        if (input.kind == Kind.COSTLY_REGEX) {
            costly.add(String.format(Locale.ROOT, "%s: %s in %d ms", input, outcome, took / 1_000_000));
        }
        outcomes.merge(input.channel + " " + outcome, 1, Integer::sum);
        String wrong = input.channel == Channel.JMX ? checkJmx(input, answer, thrown) : checkShell(input, printed, thrown);
        if (wrong != null) {
            violations.add(input + ": " + wrong);
        }
    }

    /** @return what is wrong with the outcome of a JMX call, or null */
    private static String checkJmx(Input input, Object answer, Throwable thrown) {
        if (thrown == null) {
            if (input.expect == Expect.REFUSED) {
                return "answered " + MalformedInputs.show(String.valueOf(answer)) + " although it must be refused";
            }
            if (input.removal && !Long.valueOf(0).equals(answer)) {
                return "a removal that must remove nothing answered " + answer;
            }
            return answer instanceof String ? oneLine("the answer", (String) answer, Integer.MAX_VALUE) : null;
        }
        String leak = lapseInside(thrown);
        if (leak != null) {
            return leak;
        }
        if (thrown instanceof RuntimeMBeanException) {
            Throwable cause = thrown.getCause();
            if (cause == null || (cause.getClass() != IllegalArgumentException.class
                && cause.getClass() != IllegalStateException.class)) {
                return "uncaught " + cause;
            }
            if (cause.getCause() != null || cause.getStackTrace().length > 0) {
                return "the server's stack trace crossed: " + cause.getStackTrace().length + " frames, cause "
                    + cause.getCause();
            }
            return lapseMessage(cause.getMessage());
        }
        if (MBEAN_REFUSALS.contains(thrown.getClass().getName())) {
            // RMI adds the client's frames to the exception it throws; below it, nothing may carry a trace
            for (Throwable cause = thrown.getCause(); cause != null; cause = cause.getCause()) {
                if (cause.getStackTrace().length > 0) {
                    return "the server's stack trace crossed in " + cause.getClass().getName();
                }
                String wrong = oneLine("the cause's message", String.valueOf(cause.getMessage()), MAX_MESSAGE);
                if (wrong != null) {
                    return wrong;
                }
            }
            return lapseMessage(thrown.getMessage());
        }
        if (JMX_RUNTIME_REFUSALS.contains(thrown.getClass().getName())) {
            return null; // the MBeanServer's own message, naming the ObjectName the client sent
        }
        return "undocumented " + thrown.getClass().getName() + ": " + MalformedInputs.show(String.valueOf(thrown.getMessage()));
    }

    /** @return what is wrong with the outcome of a shell line, or null */
    private static String checkShell(Input input, GogoSession.Outcome printed, Throwable thrown) {
        if (thrown != null && printed == null) {
            return "the shell threw " + thrown + ", which its session does not catch";
        }
        if (!printed.err.isEmpty()) {
            return "printed on the error stream: " + MalformedInputs.show(printed.err);
        }
        if (thrown == null) {
            if (input.expect == Expect.REFUSED) {
                return "answered " + MalformedInputs.show(printed.out + printed.value) + " although it must be refused";
            }
            if (input.removal && !printed.out.equals("removed 0 entries\n")) {
                return "a removal that must remove nothing printed " + MalformedInputs.show(printed.out);
            }
            if (printed.out.contains("\tat ") || printed.out.contains("Exception")) {
                return "printed a stack trace: " + MalformedInputs.show(printed.out);
            }
            return oneLine("each printed line", printed.out.replace("\n", ""), Integer.MAX_VALUE);
        }
        String leak = lapseInside(thrown);
        if (leak != null) {
            return leak;
        }
        if (!printed.out.isEmpty()) {
            return "printed " + MalformedInputs.show(printed.out) + " before failing";
        }
        String message = thrown.getMessage();
        boolean ours = (thrown.getClass() == IllegalArgumentException.class || thrown.getClass() == IllegalStateException.class)
            && message != null && message.startsWith("cache:");
        if (ours) {
            if (thrown.getCause() != null || thrown.getStackTrace().length > 0) {
                return "a command's failure with a stack trace or cause: " + thrown.getStackTrace().length + " frames, cause "
                    + thrown.getCause();
            }
            return lapseMessage(message);
        }
        if (GOGO_REFUSALS.contains(thrown.getClass().getName())) {
            return null; // Gogo's own message, naming what was typed
        }
        return "undocumented " + thrown.getClass().getName() + ": " + MalformedInputs.show(String.valueOf(message));
    }

    /** A message of Lapse's: one non-blank line, short. */
    private static String lapseMessage(String message) {
        if (message == null || message.isBlank()) {
            return "no message";
        }
        return oneLine("the message", message, MAX_MESSAGE);
    }

    private static String oneLine(String what, String text, int maxLength) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u000B' || c == '\u000C' || c == '\u0085' || c == '\u2028'
                || c == '\u2029') {
                return what + " is not one line (U+" + String.format("%04X", (int) c) + " at " + i + "): "
                    + MalformedInputs.show(text);
            }
        }
        return text.length() > maxLength ? what + " has " + text.length() + " characters: " + MalformedInputs.show(text)
            : null;
    }

    /** @return a description of a Lapse class or stack frame in the exception chain, or null if there is none */
    private static String lapseInside(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (isLapse(t.getClass().getName())) {
                return "a Lapse exception class crossed: " + t.getClass().getName();
            }
            for (StackTraceElement frame : t.getStackTrace()) {
                if (isLapse(frame.getClassName())) {
                    return "a stack trace of Lapse's internals crossed: " + frame + " in " + t.getClass().getSimpleName();
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** Lapse's bundles; the test's own frames (the client side of an RMI call) do not count. */
    private static boolean isLapse(String className) {
        return className.startsWith("io.lapse.") && !className.startsWith("io.lapse.itest.");
    }

    private static String outcomeName(Throwable t) {
        if (t instanceof RuntimeMBeanException && t.getCause() != null) {
            return "RuntimeMBeanException(" + t.getCause().getClass().getSimpleName() + ")";
        }
        return t.getClass().getSimpleName();
    }

    /**
     * 100,000 entries: Strings, Longs and byte[]s under {@code key:NNNNNN} (1 in 100 expiring in
     * an hour), long values and keys that make a costly pattern work, and the unicode keys.
     */
    private static void load(Cache cache) {
        String longValue = "a".repeat(100_000) + "!";
        for (int i = 0; i < LONG_VALUES; i++) {
            cache.put("long-value-" + i, longValue);
        }
        for (int i = 0; i < LONG_KEYS; i++) {
            cache.put("a".repeat(Cache.MAX_KEY_LENGTH - 2) + i + "!", "long key");
        }
        List<String> unicode = MalformedInputs.UNICODE_KEYS;
        for (int i = 0; i < unicode.size(); i++) {
            cache.put(unicode.get(i), "значение " + i);
        }
        int plain = ENTRIES - LONG_VALUES - LONG_KEYS - unicode.size();
        for (int i = 0; i < plain; i++) {
            String key = String.format(Locale.ROOT, "key:%06d", i);
            if (i % 10 == 0) {
                cache.put(key, (long) i);
            } else if (i % 50 == 1) {
                cache.put(key, new byte[] {(byte) i, (byte) (i >> 8), (byte) (i >> 16)});
            } else if (i % 100 == 7) {
                cache.put(key, "value-" + i, Duration.ofHours(1));
            } else {
                cache.put(key, "value-" + i);
            }
        }
    }

    private String report(long seed, long totalNanos, CacheFingerprint cache) {
        StringBuilder b = new StringBuilder("MalformedInputIT: seed " + seed + ", cache of " + cache + "\n");
        b.append(String.format(Locale.ROOT, "%-22s %6s %6s %9s%n", "kind", "jmx", "shell", "max ms"));
        int jmx = 0;
        int shell = 0;
        for (Map.Entry<Kind, Map<Channel, Integer>> e : counts.entrySet()) {
            int j = e.getValue().getOrDefault(Channel.JMX, 0);
            int s = e.getValue().getOrDefault(Channel.SHELL, 0);
            jmx += j;
            shell += s;
            b.append(String.format(Locale.ROOT, "%-22s %6d %6d %9.1f%n", e.getKey(), j, s,
                slowestByKind.get(e.getKey()) / 1e6));
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        b.append(String.format(Locale.ROOT, "%-22s %6d %6d  total %d inputs%n", "all", jmx, shell, jmx + shell));
        b.append(String.format(Locale.ROOT, "time per input: median %.2f ms, p99 %.1f ms, max %.1f ms; all inputs %.1f s%n",
            sorted.get(sorted.size() / 2) / 1e6, sorted.get((int) (sorted.size() * 0.99)) / 1e6,
            sorted.get(sorted.size() - 1) / 1e6, totalNanos / 1e9));
        b.append("outcomes: ").append(outcomes).append('\n');
        b.append("costly patterns:\n");
        costly.forEach(s -> b.append("  ").append(s).append('\n'));
        b.append("over ").append(EACH_WITHIN.toMillis()).append(" ms: ").append(overOneSecond.size()).append('\n');
        overOneSecond.forEach(s -> b.append("  ").append(s).append('\n'));
        b.append("violations: ").append(violations.size()).append('\n');
        violations.stream().limit(300).forEach(v -> b.append("  ").append(v).append('\n'));
        return b.toString();
    }
}
