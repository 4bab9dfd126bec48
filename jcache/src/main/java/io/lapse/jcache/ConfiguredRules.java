package io.lapse.jcache;

import java.io.Serializable;

import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;

/**
 * The expiry "policy" of a JCache view of a configured cache: it stands for that cache's own rules
 * ({@code autoexpire}, {@code updateexpire}, {@code idleexpire}), which a view's writes follow as
 * the cache's own {@code put} does. The view applies those rules itself and never asks this object;
 * asked anyway, it answers {@code null} (keep the deadline) to every question.
 */
public final class ConfiguredRules implements ExpiryPolicy, Serializable {

    private static final long serialVersionUID = 1L;

    @Override
    public Duration getExpiryForCreation() {
        return null;
    }

    @Override
    public Duration getExpiryForAccess() {
        return null;
    }

    @Override
    public Duration getExpiryForUpdate() {
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfiguredRules;
    }

    @Override
    public int hashCode() {
        return ConfiguredRules.class.hashCode();
    }
}
