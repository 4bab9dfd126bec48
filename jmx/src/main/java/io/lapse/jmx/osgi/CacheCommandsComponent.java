package io.lapse.jmx.osgi;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.lapse.cache.CacheService;
import io.lapse.jmx.admin.Reloader;
import io.lapse.jmx.admin.ReplicationStatuses;
import io.lapse.jmx.shell.CacheCommands;

/**
 * The {@code cache:*} commands as a Gogo command service: the shell calls the public command
 * methods of the registered object, so the component is a {@link CacheCommands}, registered
 * under that class with {@code osgi.command.scope=cache} and one {@code osgi.command.function}
 * per command. It adds nothing but the wiring; the commands print to {@code System.out}, which
 * the shell routes to the calling session.
 */
@Component(name = "io.lapse.jmx.shell.CacheCommands", service = CacheCommands.class, property = {
    "osgi.command.scope=cache",
    "osgi.command.function=list", "osgi.command.function=get", "osgi.command.function=set",
    "osgi.command.function=seti", "osgi.command.function=delete", "osgi.command.function=dump",
    "osgi.command.function=stats", "osgi.command.function=reload", "osgi.command.function=reset",
    "osgi.command.function=rm", "osgi.command.function=cluster", "osgi.command.function=keys",
    "osgi.command.function=group"})
public final class CacheCommandsComponent extends CacheCommands {

    /**
     * @param caches the caches the commands name
     * @param reloader how {@code cache:reload} finds a cache's store: the bundle's
     *     {@link StoreDirectoryComponent}
     * @param replication where {@code cache:cluster} finds the replicated caches' status: the
     *     bundle's {@link ReplicationDirectoryComponent}
     */
    @Activate
    public CacheCommandsComponent(@Reference(name = "caches") CacheService caches,
        @Reference(name = "reloader") Reloader reloader,
        @Reference(name = "replication") ReplicationStatuses replication) {
        super(caches, reloader, replication);
    }
}
