/**
 * The management operations on caches, in plain Java: what the MXBeans and the shell commands
 * both call. Private to the bundle.
 */
package io.lapse.jmx.admin;
