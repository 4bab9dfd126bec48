/**
 * The {@code cache:*} Gogo shell commands (Felix Gogo, Karaf's shell). Private to the bundle.
 */
package io.lapse.jmx.shell;
