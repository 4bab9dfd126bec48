package io.lapse.jcache;

import java.util.logging.Level;
import java.util.logging.Logger;

import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;

import io.lapse.cache.Cache;

/**
 * A cache's {@link ExpiryPolicy}, asked at the moments JCache's table says, its answers turned
 * into what a Lapse edit does: a TTL, keeping the deadline, or expiring now.
 *
 * <p>A policy that throws is treated as answering {@code null} for an access or an update (the
 * deadline stays) and {@link Duration#ETERNAL} for a creation, and the failure is logged: the
 * operation still succeeds, as JCache's reference implementation does.
 *
 * <p>Thread-safe if the policy is.
 */
final class Expiries {

    /** The deadline stays as it is. */
    static final long KEEP = -1;
    /** The entry expires at once. */
    static final long NOW = 0;
    /** The entry never expires. */
    static final long ETERNAL = Long.MAX_VALUE;
    /** The deadline the cache's own rules give a write ({@code autoexpire}, {@code updateexpire}). */
    static final long CACHE_RULES = -2;

    private static final Logger LOG = Logger.getLogger(Expiries.class.getName());
    private static final long MAX_MILLIS = Cache.MAX_TTL.toMillis();

    private final ExpiryPolicy policy;
    private final boolean accessKeeps;
    private final boolean cacheRules;

    Expiries(ExpiryPolicy policy) {
        this.policy = policy;
        Class<?> type = policy.getClass();
        this.cacheRules = policy instanceof ConfiguredRules;
        // the standard policies that never change a deadline on access: a read need not lock
        this.accessKeeps = cacheRules || type == CreatedExpiryPolicy.class || type == ModifiedExpiryPolicy.class
            || type == EternalExpiryPolicy.class;
    }

    /** Whether a read may skip asking: the policy is one that always keeps the deadline on access. */
    boolean accessKeeps() {
        return accessKeeps;
    }

    /** The TTL of a new entry: {@link #NOW}, {@link #ETERNAL}, {@link #CACHE_RULES} or milliseconds. */
    long creation() {
        if (cacheRules) {
            return CACHE_RULES;
        }
        try {
            Duration d = policy.getExpiryForCreation();
            return d == null ? ETERNAL : millis(d);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The expiry policy failed for a created entry; it never expires", e);
            return ETERNAL;
        }
    }

    /** What an access does to the deadline: {@link #KEEP}, {@link #NOW}, {@link #ETERNAL} or milliseconds. */
    long access() {
        if (accessKeeps) {
            return KEEP;
        }
        try {
            Duration d = policy.getExpiryForAccess();
            return d == null ? KEEP : millis(d);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The expiry policy failed for an accessed entry; its deadline stays", e);
            return KEEP;
        }
    }

    /** What an update does to the deadline: {@link #KEEP}, {@link #NOW}, {@link #ETERNAL}, {@link #CACHE_RULES} or milliseconds. */
    long update() {
        if (cacheRules) {
            return CACHE_RULES;
        }
        try {
            Duration d = policy.getExpiryForUpdate();
            return d == null ? KEEP : millis(d);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "The expiry policy failed for an updated entry; its deadline stays", e);
            return KEEP;
        }
    }

    /** The Lapse TTL of a figure other than KEEP and NOW: zero for never. */
    static java.time.Duration ttl(long millis) {
        return millis == ETERNAL ? java.time.Duration.ZERO : java.time.Duration.ofMillis(Math.min(millis, MAX_MILLIS));
    }

    private static long millis(Duration d) {
        if (d.isEternal()) {
            return ETERNAL;
        }
        if (d.isZero()) {
            return NOW;
        }
        long ms = d.getTimeUnit().toMillis(d.getDurationAmount());
        return ms <= 0 ? NOW : ms;
    }

    ExpiryPolicy policy() {
        return policy;
    }
}
