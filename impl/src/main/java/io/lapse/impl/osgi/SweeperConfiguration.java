package io.lapse.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The configuration of the expiry sweeps, PID {@code io.lapse.sweeper}, as the Metatype service
 * describes it. {@link SweeperProperties} reads and checks the values. Changes apply live.
 */
@ObjectClassDefinition(
    id = "io.lapse.sweeper",
    name = "Lapse sweeper",
    description = "The threads that expire entries on time, whether or not the caches are in use.")
@interface SweeperConfiguration {

    @AttributeDefinition(name = "Threads", min = "1", max = "64",
        description = "How many sweeper threads share the slots of every cache (htable's timer_procs). Default "
            + SweeperProperties.DEFAULT_THREADS + ".")
    int threads() default SweeperProperties.DEFAULT_THREADS;

    @AttributeDefinition(name = "Resolution",
        description = "How often the sweepers wake, and so the bound on how late an expiry is noticed: a duration "
            + "from 1ms to 60s (500ms, 1s). Default " + SweeperProperties.DEFAULT_RESOLUTION + ".")
    String resolution() default SweeperProperties.DEFAULT_RESOLUTION;
}
