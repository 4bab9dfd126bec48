/**
 * Backing levels of a cache: {@link io.lapse.cache.level.CacheLevel}, the store that holds the
 * complete set of a cache's entries behind its heap table. Exported so that a level of another
 * kind can be written against the same contract the shipped ones keep.
 */
@Export
@Version("1.1.0")
package io.lapse.cache.level;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
