package io.lapse.jmx;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What jconsole and other JMX clients show for an attribute (on its getter) or an operation of an
 * MXBean interface; read by {@link DescribedMXBean}. A figure of the statistics needs none: its
 * {@link io.lapse.jmx.admin.StatFigure} describes it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface Description {

    /** @return the text shown */
    String value();
}
