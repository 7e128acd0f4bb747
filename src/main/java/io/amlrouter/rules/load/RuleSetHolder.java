package io.amlrouter.rules.load;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import io.amlrouter.events.Workspace;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.RulesConfig;
import io.amlrouter.rules.action.ActionSettings;
import io.amlrouter.rules.diagnostics.Violation;
import io.amlrouter.rules.template.Templates;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Holds the active rule set, keeping the last good one. At startup an invalid (or unreadable) rules file
 * stops the service with every violation printed. Afterwards {@link #reloadNow()} (called by
 * {@link RulesFileWatcher}) replaces the rule set atomically on a valid change; an invalid one is refused,
 * the last good set stays active and the refusal shows as {@link #lastError()} (on {@code GET /rules}, in
 * the readiness data) and in {@link RulesMetrics}, until a valid change or until the file is restored to
 * the active content.
 */
@Startup
@ApplicationScoped
public class RuleSetHolder {

    private static final Logger LOG = Logger.getLogger(RuleSetHolder.class);

    private final RulesFile file;
    private final RuleSetLoader loader;
    private final List<Workspace> configWorkspaces;
    private final RulesMetrics metrics;
    private final Event<RulesActivated> activated;
    private final Clock clock = Clock.systemUTC();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failedReloads = new AtomicLong();
    private volatile RuleSet current;
    private volatile ReloadError lastError;

    public RuleSetHolder(RulesConfig config, RulesFile file, RulesMetrics metrics, Event<RulesActivated> activated) {
        this.file = file;
        this.metrics = metrics;
        this.activated = activated;
        this.loader = new RuleSetLoader(new Templates(config.templateMaxChars()), settings(config), clock);
        this.configWorkspaces = config.workspaces().orElse(List.of()).stream().map(id -> Workspace.fromArmId(id)
                .orElseThrow(() -> new ConfigurationException("rules.workspaces: \"" + id
                        + "\" is not an Azure ML workspace id"))).toList();
        byte[] content = file.read().orElseThrow(() -> new ConfigurationException("The rules file "
                + file.path().map(Object::toString).orElse(RulesFile.SAMPLE) + " cannot be read (rules.path / RULES_PATH)"));
        LoadResult result = loader.load(content, file.source());
        if (result instanceof LoadResult.Invalid invalid) {
            StringBuilder msg = new StringBuilder("The rules file " + file.source() + " is invalid ("
                    + invalid.errors().size() + " violation(s)); the service does not start:");
            invalid.errors().forEach(v -> msg.append("\n  ").append(v));
            throw new ConfigurationException(msg.toString());
        }
        activate(((LoadResult.Loaded) result).ruleSet(), false);
        if (file.path().isEmpty()) {
            LOG.warnf("No rules file configured (rules.path / RULES_PATH): using the sample rules shipped in the service");
        }
    }

    /** The active rule set (never null once started). */
    public RuleSet current() {
        return current;
    }

    /** The last refused reload since the last successful one, if any. */
    public Optional<ReloadError> lastError() {
        return Optional.ofNullable(lastError);
    }

    public long reloadCount() {
        return reloads.get();
    }

    public long failedReloadCount() {
        return failedReloads.get();
    }

    public RuleSetLoader loader() {
        return loader;
    }

    /** Re-reads the file now; returns true when a new rule set became active. */
    public synchronized boolean reloadNow() {
        Optional<byte[]> content = file.read();
        if (content.isEmpty()) {
            return false;
        }
        String version = RuleSetLoader.version(content.get());
        if (version.equals(current.version())) {
            if (lastError != null) {
                // The refused change was undone: the file is the active rules again, nothing is refused any more.
                lastError = null;
                metrics.fileIsActive();
                LOG.infof("The rules file %s is back to the active rules %s; the refused change is gone", file.source(),
                        current.shortVersion());
            }
            return false;
        }
        if (lastError != null && version.equals(lastError.version())) {
            return false;
        }
        LoadResult result = loader.load(content.get(), file.source());
        if (result instanceof LoadResult.Loaded loaded) {
            activate(loaded.ruleSet(), true);
            activated.fire(new RulesActivated(current.rules().stream().map(Rule::name).collect(Collectors.toSet())));
            reloads.incrementAndGet();
            return true;
        }
        List<Violation> errors = ((LoadResult.Invalid) result).errors();
        lastError = ReloadError.of(Instant.now(clock), file.source(), version, errors);
        failedReloads.incrementAndGet();
        metrics.refused();
        StringBuilder msg = new StringBuilder();
        errors.forEach(v -> msg.append("\n  ").append(v));
        LOG.warnf("Refused the changed rules file %s (%d violation(s)); rules %s stay active:%s", file.source(),
                errors.size(), current.shortVersion(), msg);
        return false;
    }

    /** Whether {@code actions.secrets.<name>} (env {@code ACTIONS_SECRETS_<NAME>}) has a value. */
    static boolean secretConfigured(String name) {
        return org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("actions.secrets." + name, String.class).filter(v -> !v.isBlank()).isPresent();
    }

    private static ActionSettings settings(RulesConfig config) {
        try {
            return ActionSettings.of(config.maxRecipients(), config.urls().allowedHosts().orElse(List.of()),
                    config.urls().allowHttp(), RuleSetHolder::secretConfigured,
                    config.urls().allowedPrivate().orElse(List.of()),
                    config.allowedRecipientDomains().orElse(List.of()));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("rules.urls.allowed-hosts / rules.urls.allowed-private: " + e.getMessage());
        }
    }

    private void activate(RuleSet set, boolean reload) {
        current = set.withExtraWorkspaces(configWorkspaces);
        lastError = null;
        LOG.infof("%s %d rule(s) from %s, version %s; workspaces: %s", reload ? "Reloaded" : "Loaded", set.rules().size(),
                file.source(), set.shortVersion(), current.workspaces().isEmpty() ? "any" : current.workspaces().size());
        set.warnings().forEach(w -> LOG.warnf("Rules warning: %s", w));
        metrics.loaded(current.rules().size(), current.shortVersion(), Instant.now(clock), reload);
    }
}
