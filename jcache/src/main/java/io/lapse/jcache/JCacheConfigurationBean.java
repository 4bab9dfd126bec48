package io.lapse.jcache;

import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;

/** A cache's configuration as JCache's configuration MXBean shows it; reads the live configuration. */
final class JCacheConfigurationBean implements CacheMXBean {

    private final LapseCache<?, ?> cache;

    JCacheConfigurationBean(LapseCache<?, ?> cache) {
        this.cache = cache;
    }

    private CompleteConfiguration<?, ?> config() {
        return cache.configuration();
    }

    @Override
    public String getKeyType() {
        return config().getKeyType().getName();
    }

    @Override
    public String getValueType() {
        return config().getValueType().getName();
    }

    @Override
    public boolean isReadThrough() {
        return config().isReadThrough();
    }

    @Override
    public boolean isWriteThrough() {
        return config().isWriteThrough();
    }

    @Override
    public boolean isStoreByValue() {
        return config().isStoreByValue();
    }

    @Override
    public boolean isStatisticsEnabled() {
        return config().isStatisticsEnabled();
    }

    @Override
    public boolean isManagementEnabled() {
        return config().isManagementEnabled();
    }
}
