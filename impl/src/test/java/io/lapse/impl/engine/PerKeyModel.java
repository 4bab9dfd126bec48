package io.lapse.impl.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;

import io.lapse.cache.Match;

/**
 * The per-key operations of one {@link CacheTable}, as Lincheck drives them: each operation
 * returns what the caller sees plus the {@code REMOVED} events it raised on the caller's thread,
 * and {@link PerKeySpec} says what a sequential table would have returned. {@code EXPIRED}
 * events are left out: which operation reports an expiry is the engine's choice (whichever
 * reaches the entry first: a write, a match, and in some versions a read or a count), so no
 * sequential order fixes it; {@link ExactlyOnceStressTest} checks that each comes exactly once.
 * A {@code REMOVED} event has no such freedom, and it carries the deadline, so an expiry turned
 * into a removal, or a deadline moved after the verdict, still shows.
 *
 * <p>Time is a {@link ManualClock} that only {@link #advance} moves; the {@link TimeSource} is never
 * ticked, so every deadline check reads that clock (no coarse horizon). The keys all fall into
 * one slot of the table's four ({@link #sameSlot()}), so that every operation contends for the
 * same slot lock. {@code removeKeys} and {@code countKeys} take a prefix that matches one key:
 * over several entries a match is weakly consistent by contract (it works through the slots a
 * chunk at a time), so only its effect on one key has a sequential specification.
 *
 * <p>Why writes are gated against {@link #advance}: a write computes its new deadline from a
 * clock read taken before it locks the slot, and judges the old entry's expiry under the lock.
 * A clock step between the two is the documented coarse-deadline behaviour (review B14: a
 * deadline may be computed from a clock up to one resolution old), which no deterministic
 * sequential specification can describe. So the writes that compute a deadline (put,
 * putIfAbsent, increment, setTtl, compute) pass a gate that {@code advance} closes while it
 * moves the clock: they run concurrently with each other and with every other operation, but never
 * straddle a clock step. Reads, {@code remove}, {@code removeKeys} and {@code countKeys} read the
 * clock once, or (an idle read) decide and then extend the deadline, so they are not gated: the
 * clock may move in the middle of them, which is where review B4 and B5 lie. The specification
 * asks of an idle read what the contract says: it restarts the idle time as of an instant at
 * which the entry was live. A read that decides from one clock reading and extends from a later
 * one moves a deadline that may have passed in between; one that takes the time it extends from
 * before it decides is fine.
 */
public abstract class PerKeyModel {

    /** Three keys of the same slot when the table has 2^2 slots. */
    static final String[] KEYS = {"k4", "k7", "k9"};
    /** One key each: a match over several keys is weakly consistent by contract, not atomic. */
    static final String[] PREFIXES = {"k4", "k7", "k9"};
    /** The table's {@code autoexpire}, in clock units (ms). */
    static final long AUTOEXPIRE = 3;
    /** The clock a {@link ManualClock} starts at; times in results are relative to it. */
    static final long START = new ManualClock().millis();

    private final ManualClock clock = new ManualClock();
    /**
     * How many gated writes run, or -1 while the clock moves. A two-line gate rather than a
     * {@code ReadWriteLock}: same effect, and a failure's trace shows two steps for it instead of
     * the lock's internals.
     */
    private final AtomicInteger gate = new AtomicInteger();
    private final ThreadLocal<List<String>> raised = ThreadLocal.withInitial(ArrayList::new);
    private final CacheTable table;

    PerKeyModel(long idleMillis) {
        TableListener listener = new TableListener() {
            @Override
            public boolean wants(EventKind kind) {
                return true;
            }

            @Override
            public void entry(EventKind kind, String cache, String key, Object value, long expiresAtMillis) {
                if (kind != EventKind.EXPIRED) {
                    raised.get().add(event(kind, key, value,
                        expiresAtMillis == 0 ? Node.NEVER : expiresAtMillis - ManualClock.EPOCH_OFFSET - START));
                }
            }

            @Override
            public void table(EventKind kind, String cache, long count) {
            }
        };
        table = new CacheTable("model", new CacheSettings(2, AUTOEXPIRE, true, idleMillis, null),
            new TimeSource(clock), listener);
    }

    /** The text of an entry event, the same for the table and the specification. */
    static String event(EventKind kind, String key, Object value, long deadline) {
        return kind + " " + key + "=" + value + "@" + (deadline == Node.NEVER ? "never" : Long.toString(deadline));
    }

    /** A result and the events the operation raised, sorted: a whole-slot pass reports in chain order. */
    static String outcome(Object result, List<String> events) {
        if (events.isEmpty()) {
            return String.valueOf(result);
        }
        List<String> sorted = new ArrayList<>(events);
        Collections.sort(sorted);
        return result + " " + sorted;
    }

    /** Tells whether {@link #KEYS} share one slot of a table of 2^2 slots, as the model needs. */
    static boolean sameSlot() {
        int first = -1;
        for (String k : KEYS) {
            int slot = CacheTable.segmentIndex(CacheTable.spread(k.hashCode()), 4);
            if (first >= 0 && slot != first) {
                return false;
            }
            first = slot;
        }
        return true;
    }

    private String done(Object result) {
        List<String> events = raised.get();
        String s = outcome(result, events);
        events.clear();
        return s;
    }

    private <T> T gated(Supplier<T> write) {
        for (int g = gate.get(); g < 0 || !gate.compareAndSet(g, g + 1); g = gate.get()) {
            Thread.onSpinWait();
        }
        try {
            return write.get();
        } finally {
            gate.decrementAndGet();
        }
    }

    @Operation
    public Object get(@Param(gen = IntGen.class, conf = "0:2") int key) {
        return table.get(KEYS[key]);
    }

    @Operation
    public String put(@Param(gen = IntGen.class, conf = "0:2") int key, @Param(gen = IntGen.class, conf = "1:3") int value,
        @Param(gen = IntGen.class, conf = "0:3") int ttl) {
        return gated(() -> {
            table.put(KEYS[key], (long) value, Duration.ofMillis(ttl));
            return done("put");
        });
    }

    @Operation
    public String putIfAbsent(@Param(gen = IntGen.class, conf = "0:2") int key,
        @Param(gen = IntGen.class, conf = "1:3") int value, @Param(gen = IntGen.class, conf = "0:3") int ttl) {
        return gated(() -> done(table.putIfAbsent(KEYS[key], (long) value, Duration.ofMillis(ttl))));
    }

    @Operation
    public String remove(@Param(gen = IntGen.class, conf = "0:2") int key) {
        return done(table.remove(KEYS[key]));
    }

    @Operation
    public String increment(@Param(gen = IntGen.class, conf = "0:2") int key) {
        return gated(() -> done(table.increment(KEYS[key], 1)));
    }

    @Operation
    public String setTtl(@Param(gen = IntGen.class, conf = "0:2") int key, @Param(gen = IntGen.class, conf = "0:3") int ttl) {
        return gated(() -> done(table.setTtl(KEYS[key], Duration.ofMillis(ttl))));
    }

    /** Stores {@code value}, or removes the entry when it already holds {@code value}. */
    @Operation
    public String compute(@Param(gen = IntGen.class, conf = "0:2") int key, @Param(gen = IntGen.class, conf = "1:3") int value) {
        Long v = (long) value;
        return gated(() -> done(table.compute(KEYS[key], (k, current) -> v.equals(current) ? null : v)));
    }

    @Operation
    public String removeKeys(@Param(gen = IntGen.class, conf = "0:2") int prefix) {
        return done(table.removeKeys(Match.prefix(PREFIXES[prefix])));
    }

    @Operation
    public long countKeys(@Param(gen = IntGen.class, conf = "0:2") int prefix) {
        return table.countKeys(Match.prefix(PREFIXES[prefix]));
    }

    @Operation
    public void advance(@Param(gen = IntGen.class, conf = "1:2") int millis) {
        while (!gate.compareAndSet(0, -1)) {
            Thread.onSpinWait();
        }
        clock.advance(millis);
        gate.set(0);
    }

    /** A table without idle expiry. */
    public static final class Plain extends PerKeyModel {
        public Plain() {
            super(0);
        }
    }

    /** A table with {@code idleexpire} of 2 clock units: reads move deadlines. */
    public static final class Idle extends PerKeyModel {
        /** The idle expiry of {@link Idle}, in clock units. */
        static final long IDLE = 2;

        public Idle() {
            super(IDLE);
        }
    }
}
