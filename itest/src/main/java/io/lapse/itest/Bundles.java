package io.lapse.itest;

import java.util.Arrays;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** The bundles of the framework the tests run in, by symbolic name. */
final class Bundles {

    private Bundles() {
    }

    /**
     * @return the installed bundle of that symbolic name
     * @throws AssertionError naming the installed bundles if there is none
     */
    static Bundle named(BundleContext context, String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
            .orElseThrow(() -> new AssertionError("no bundle " + symbolicName + " is installed; installed: "
                + Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName).collect(Collectors.toList())));
    }
}
