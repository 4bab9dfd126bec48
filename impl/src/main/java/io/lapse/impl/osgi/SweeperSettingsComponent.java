package io.lapse.impl.osgi;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

import io.lapse.cache.CacheService;

/**
 * Applies the {@code io.lapse.sweeper} configuration (optional) to the sweeps, live: on
 * activation, on every change, and with the defaults when the configuration is deleted. An
 * invalid configuration is logged, naming the property and value, and the sweeps keep the
 * settings they have.
 */
@Component(
    service = {},
    immediate = true,
    configurationPid = CacheService.SWEEPER_PID,
    configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SweeperConfiguration.class)
public final class SweeperSettingsComponent {

    @Reference
    private Sweeps sweeps;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    private volatile LoggerFactory loggers;

    private final ComponentLog log = new ComponentLog(() -> loggers, SweeperSettingsComponent.class);

    @Activate
    @Modified
    void apply(Map<String, Object> properties) {
        SweeperProperties config;
        try {
            config = SweeperProperties.parse(properties);
        } catch (IllegalArgumentException e) {
            log.error("Configuration " + CacheService.SWEEPER_PID + ": " + e.getMessage()
                + "; the sweeper keeps its current settings", null);
            return;
        }
        sweeps.configure(config.threads, config.resolutionMillis);
        log.info("Sweeper: " + config);
    }
}
