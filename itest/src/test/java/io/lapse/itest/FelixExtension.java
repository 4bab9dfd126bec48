package io.lapse.itest;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Felix for the tests of a class: started before the first, stopped after the last.
 * Register it as {@code @RegisterExtension static final FelixExtension FELIX = new FelixExtension();}.
 */
final class FelixExtension implements BeforeAllCallback, AfterAllCallback {

    private Felix felix;
    private Caches caches;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        felix = Felix.start();
        caches = new Caches(felix);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (felix != null) {
            felix.close();
        }
    }

    /** @return the running framework */
    Felix felix() {
        return felix;
    }

    /** @return cache helpers bound to the running framework */
    Caches caches() {
        return caches;
    }
}
