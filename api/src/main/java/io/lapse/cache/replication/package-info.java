/**
 * How a replication provider (the {@code io.lapse.cluster} bundle) reaches the caches it
 * replicates. The implementation registers a {@link io.lapse.cache.replication.Replica} service
 * for every cache configured with {@code replicate=true}; the provider connects an outbox to it,
 * carries what the outbox receives to the other nodes through a log that orders every change of
 * the cache the same way for all of them, and hands each change the log delivers back to every
 * node's replica: as its own (acknowledged) on the node that made it, as a remote change on the
 * others.
 *
 * <p>Why this converges: every node applies the changes of the log in the log's order, and a
 * node skips a remote change to a key it has itself changed since, because its own change comes
 * later in the log and overwrites it everywhere. After the writes stop and the log is delivered,
 * every node holds the same value and deadline for every key. Deadlines travel as epoch
 * milliseconds, so an entry expires at the same moment on every node whose clock agrees.
 */
@Export
@Version("1.2.0")
package io.lapse.cache.replication;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
