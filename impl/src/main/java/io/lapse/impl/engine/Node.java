package io.lapse.impl.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One entry: a link in its slot's hash chain and, while it has a deadline, in its slot's timer
 * wheel. The node is the unit of the "exactly once" rule: it leaves the table in one step under
 * its slot lock, and only the operation that takes it out reports it.
 *
 * <p>Memory: 12 bytes of header, {@code hash} and {@code bits} (4 each), five references
 * (4 each with compressed oops) and the deadline (8): 48 bytes, the size of the object with no
 * padding lost.
 *
 * <p>Concurrency: {@code value}, {@code next} and {@code deadline} are written under the slot
 * lock with release semantics and read by lock-free readers with acquire semantics (an idle
 * read may also raise {@code deadline} by compare-and-set, see {@link IdleNode}; a put of a live
 * key may give it a new value and a later deadline without the lock, see {@link LiveRewrite}, which
 * code holding the lock waits for with {@link #settle()}). The wheel
 * fields and the pin are touched only under the slot lock. A node that has left the table is
 * never changed again (an {@link IdleNode} is sealed as it leaves), so events built from it after
 * the lock is released see what it held when it left.
 */
class Node {

    /** The deadline of an entry that never expires. */
    static final long NEVER = Long.MAX_VALUE;

    /** {@link #wheelSlot()} of a node that is in no wheel bucket. */
    static final int UNSCHEDULED = 0xFFFF;
    private static final int SLOT_MASK = 0xFFFF;
    /** Set for the life of a node whose value is a byte[]: a write of another kind replaces the node. */
    private static final int BYTES = 1 << 16;
    /** Set while a write of the node's key is being written through to a store (see {@link #pin()}). */
    private static final int PINNED = 1 << 17;
    /**
     * The reference bit of the clock that approximates LRU ({@link ClockHand}): set by every write
     * and by a read that finds it clear, cleared by the hand as it passes.
     */
    private static final int REFERENCED = 1 << 18;
    /** Set when the key takes two bytes per character, for {@link Weights}. */
    static final int KEY_WIDE = 1 << 19;
    /** Set when the value is a String of two bytes per character, for {@link Weights}. */
    static final int VALUE_WIDE = 1 << 20;
    /** The flags {@link Weights#flags} computes. */
    static final int WEIGHT_FLAGS = KEY_WIDE | VALUE_WIDE;
    /**
     * The bit of the deadline word that seals an {@link IdleNode} leaving the table: a reader's
     * compare-and-set, which expects an unsealed word, can no longer move the deadline.
     * Deadlines are monotonic milliseconds, never negative, so the bit is free; {@link #deadline()}
     * masks it.
     */
    static final long SEALED = Long.MIN_VALUE;
    /**
     * The same bit in a node without idle expiry, which is never sealed: set while a put gives the
     * live node a new value without the slot lock ({@link LiveRewrite}). Code holding the slot
     * lock {@linkplain #settle() settles} a node before it reads or changes its value or deadline,
     * which waits for such a put to finish; one that began after the lock was taken finds the
     * lock held and gives up before it changes anything.
     */
    static final long WRITING = Long.MIN_VALUE;
    /** Spins of {@link #settle()} before it yields the processor between looks. */
    private static final int SETTLE_SPINS = 64;

    private static final VarHandle VALUE;
    private static final VarHandle NEXT;
    private static final VarHandle DEADLINE;
    private static final VarHandle BITS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            VALUE = lookup.findVarHandle(Node.class, "value", Object.class);
            NEXT = lookup.findVarHandle(Node.class, "next", Node.class);
            DEADLINE = lookup.findVarHandle(Node.class, "deadline", long.class);
            BITS = lookup.findVarHandle(Node.class, "bits", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int hash;
    final String key;
    /**
     * Low 16 bits: level and bucket of the wheel list this node is on, or {@link #UNSCHEDULED},
     * written under the slot lock. Bit 16: the value is a byte[], fixed at construction, so a
     * lock-free reader learns whether to copy the value without touching the value itself. Then
     * {@link #PINNED}, {@link #REFERENCED} and the {@link #WEIGHT_FLAGS}.
     *
     * <p>Written under the slot lock with plain writes, except {@link #REFERENCED}, which a reader
     * without the lock sets by compare-and-set on the whole word: the set never changes another
     * bit (it fails if the word changed), and a locked write that races with it can only lose
     * the reference, which costs the entry a pass of the clock hand, nothing else.
     */
    private int bits;
    private Object value;
    private Node next;
    private long deadline;
    Node wheelPrev;
    Node wheelNext;

    /**
     * Creates a node, referenced, as its write makes it the most recently used.
     *
     * @param flags {@link #WEIGHT_FLAGS} from {@link Weights#flags}, or 0 in a table that does
     *     not weigh its entries
     */
    Node(int hash, String key, Object value, long deadline, int flags) {
        this.hash = hash;
        this.key = key;
        this.value = value;
        this.deadline = deadline;
        this.bits = UNSCHEDULED | REFERENCED | (flags & WEIGHT_FLAGS) | (value instanceof byte[] ? BYTES : 0);
    }

    final int wheelSlot() {
        return bits & SLOT_MASK;
    }

    final void wheelSlot(int slot) {
        bits = (bits & ~SLOT_MASK) | slot;
    }

    /**
     * Tells whether the value is a byte[]; true for the node's whole life or never.
     *
     * @return {@code true} for a byte[] value
     */
    final boolean holdsBytes() {
        return (bits & BYTES) != 0;
    }

    /**
     * Returns the value for a caller: a byte[] as a copy, so nobody can change the table's.
     *
     * @return the value
     */
    final Object exportValue() {
        Object v = value();
        return holdsBytes() ? ((byte[]) v).clone() : v;
    }

    final Object value() {
        return VALUE.getAcquire(this);
    }

    /**
     * Replaces the value with one of the same kind (byte[] or not) and marks the node used;
     * caller holds the slot lock.
     *
     * @param valueFlags {@link #VALUE_WIDE} if the value is a String of two bytes per character
     *     in a table that weighs its entries, else 0
     */
    final void value(Object v, int valueFlags) {
        bits = (bits & ~VALUE_WIDE) | (valueFlags & VALUE_WIDE) | REFERENCED;
        VALUE.setRelease(this, v);
    }

    /** @return the {@link #WEIGHT_FLAGS} of the node */
    final int flags() {
        return bits & WEIGHT_FLAGS;
    }

    /**
     * Sets the weight flags, for a table that starts weighing the entries it holds; caller holds
     * the slot lock.
     */
    final void flags(int weightFlags) {
        bits = (bits & ~WEIGHT_FLAGS) | (weightFlags & WEIGHT_FLAGS);
    }

    /**
     * Records a read for the clock that approximates LRU: sets {@link #REFERENCED} if it is clear,
     * without a lock. Costs a read of a word the lookup has in its cache line already, and a
     * compare-and-set only when the hand has passed the node since its last use; a failed one is
     * not retried.
     */
    final void reference() {
        int b = (int) BITS.getOpaque(this);
        if ((b & REFERENCED) == 0) {
            BITS.compareAndSet(this, b, b | REFERENCED);
        }
    }

    /** Marks the node used by a write; caller holds the slot lock. */
    final void referenceLocked() {
        bits |= REFERENCED;
    }

    /**
     * Takes the reference the clock hand finds; caller holds the slot lock.
     *
     * @return {@code true} if the node was used since the hand last passed, now cleared
     */
    final boolean takeReference() {
        int b = bits;
        if ((b & REFERENCED) == 0) {
            return false;
        }
        // A reader that saw the bit clear before it was last set may set it again just after
        // this: it did read the entry, so the reference it leaves is a true one.
        bits = b & ~REFERENCED;
        return true;
    }

    final Node next() {
        return (Node) NEXT.getAcquire(this);
    }

    final void next(Node n) {
        NEXT.setRelease(this, n);
    }

    final long deadline() {
        return (long) DEADLINE.getAcquire(this) & ~SEALED;
    }

    /** The deadline word with its {@link #SEALED} bit, for the compare-and-set of an idle read. */
    final long deadlineWord() {
        return (long) DEADLINE.getAcquire(this);
    }

    final void deadline(long d) {
        DEADLINE.setRelease(this, d);
    }

    final boolean casDeadlineWord(long expected, long word) {
        return DEADLINE.compareAndSet(this, expected, word);
    }

    /**
     * Waits until no put without the slot lock is writing this node; caller holds the slot lock,
     * and calls this before it reads or changes the node's value or deadline. Such a put holds
     * the node for a few stores and never waits for anything meanwhile, so this spins, then
     * yields while the writing thread is descheduled. Returns at once for an {@link IdleNode},
     * whose same bit means sealed, and which such a put never writes.
     */
    void settle() {
        if ((long) DEADLINE.getAcquire(this) < 0) {
            for (int spins = 0; (long) DEADLINE.getAcquire(this) < 0; spins++) {
                if (spins < SETTLE_SPINS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }

    /**
     * Claims the node for a put without the slot lock ({@link LiveRewrite}): sets {@link #WRITING}
     * if the deadline word is still {@code word}.
     *
     * @param word the deadline word read, without {@link #WRITING}
     * @return {@code true} if claimed: the caller then either {@link #rewrite}s or {@link #abandon}s
     */
    final boolean claim(long word) {
        return DEADLINE.compareAndSet(this, word, word | WRITING);
    }

    /**
     * Gives up a claim without changing anything. A compare-and-set, not a store: code holding
     * the slot lock may have written the deadline since, which must stand.
     *
     * @param word the deadline word the claim was made on
     */
    final void abandon(long word) {
        DEADLINE.compareAndSet(this, word | WRITING, word);
    }

    /**
     * Completes a claim: stores the value, marks the node used and stores the deadline, which
     * ends the claim. A reader sees the old value or the new one, and the old deadline until the
     * new one.
     *
     * @param v a value of the node's kind (byte[] or not)
     * @param d the new deadline, no earlier than the old one
     */
    final void rewrite(Object v, long d) {
        VALUE.setRelease(this, v);
        reference();
        DEADLINE.setRelease(this, d);
    }

    /**
     * Tells whether a write of this node's key is being written through to a store: the node
     * stays where it is, neither expired nor moved, until the write is applied or abandoned.
     * Caller holds the slot lock.
     *
     * @return {@code true} while pinned
     */
    final boolean pinned() {
        return (bits & PINNED) != 0;
    }

    /** Pins the node for a write-through write of its key; caller holds the slot lock. */
    final void pin() {
        bits |= PINNED;
    }

    /** Ends the pin; caller holds the slot lock. */
    final void unpin() {
        bits &= ~PINNED;
    }

    /**
     * Takes the verdict "expired" for good if the deadline is at or before {@code now}; caller
     * holds the slot lock and unlinks the node when this returns {@code true}. For a node whose
     * deadline only writes change (under the lock), the deadline decides; an {@link IdleNode}
     * also seals it against a concurrent read.
     *
     * @param now the time the verdict is for
     * @return {@code true} if the node is expired, from now on for good
     */
    boolean expireIfDue(long now) {
        settle();
        return deadline() <= now;
    }

    /**
     * Fixes the deadline as the node leaves the table for any other reason (removed, replaced,
     * cleared, dropped); caller holds the slot lock. Nothing for a node whose deadline only
     * writes change.
     */
    void seal() {
    }

    /**
     * Returns the deadline that writes, not reads, set; equal to {@link #deadline()} for a node
     * without idle expiry.
     *
     * @return the write deadline in monotonic ms, or {@link #NEVER}
     */
    long writeDeadline() {
        return deadline();
    }

    /**
     * Sets the deadline for a write, under the slot lock.
     *
     * @param writeDeadline the deadline the write asks for, or {@link #NEVER}
     * @param now the current coarse time
     * @param idleMillis the cache's idle expiry, 0 for none
     */
    void setWriteDeadline(long writeDeadline, long now, long idleMillis) {
        deadline(writeDeadline);
    }

    /**
     * Tells whether reads of this node extend its deadline.
     *
     * @return {@code true} for a node of a cache with idle expiry
     */
    boolean idles() {
        return false;
    }

    /**
     * Returns the keygroup of the entry, fixed for the node's life (a write that moves the entry
     * to another group replaces the node): see {@link GroupNode}.
     *
     * @return the group, or {@code null} for an entry of none
     */
    String group() {
        return null;
    }
}
