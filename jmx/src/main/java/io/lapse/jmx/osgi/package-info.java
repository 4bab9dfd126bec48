/**
 * The bundle's OSGi wiring: its Declarative Services components, each a thin adapter that hands
 * services and lifecycle calls to the plain Java of {@code io.lapse.jmx} (the MBeans),
 * {@code io.lapse.jmx.admin} (the operations) and {@code io.lapse.jmx.shell} (the commands). No
 * other package of the bundle imports {@code org.osgi.service.component}. Private to the bundle.
 *
 * <p>Each component keeps the name it had before the components moved here, the name of the
 * class it wraps ({@code io.lapse.jmx.JmxExporter}, {@code io.lapse.jmx.admin.StoreDirectory},
 * {@code io.lapse.jmx.shell.CacheCommands}): a component's name is also its configuration PID and
 * what {@code scr:list} shows, so it does not follow a class that moves.
 */
package io.lapse.jmx.osgi;
