package io.amlrouter.rules.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.amlrouter.events.Workspace;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.RuleSet;
import io.amlrouter.rules.RulesConfig;
import io.amlrouter.rules.Violation;
import io.amlrouter.rules.action.ActionSettings;
import io.amlrouter.rules.template.Templates;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * Holds the active rule set and keeps it in step with the rules file. At startup an invalid file stops
 * the service with every violation printed. Afterwards the file is watched (a file-system watch on its
 * directory, plus a periodic re-read, because Kubernetes updates a ConfigMap volume by swapping the
 * {@code ..data} symlink): a valid change replaces the rule set atomically; an invalid one is refused,
 * the last good set stays active, and the violations show in the log, on {@code GET /rules}, in the
 * readiness data and in a metric.
 */
@Startup
@ApplicationScoped
public class RuleSetHolder {

    private static final Logger LOG = Logger.getLogger(RuleSetHolder.class);
    static final String SAMPLE = "rules/sample-rules.yaml";

    private final RulesConfig config;
    private final RuleSetLoader loader;
    private final List<Workspace> configWorkspaces;
    private final Optional<Path> path;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failedReloads = new AtomicLong();
    private final AtomicLong lastSuccessMillis = new AtomicLong();
    private Counter reloadSuccess;
    private Counter reloadFailure;
    private MultiGauge info;
    private final Event<RulesActivated> activated;
    private volatile RuleSet current;
    private volatile ReloadError lastError;
    private volatile Thread watcher;
    private volatile WatchService watchService;

    public RuleSetHolder(RulesConfig config, MeterRegistry metrics, Event<RulesActivated> activated) {
        this.config = config;
        this.activated = activated;
        this.loader = new RuleSetLoader(new Templates(config.templateMaxChars()),
                settings(config),
                Clock.systemUTC());
        this.configWorkspaces = config.workspaces().orElse(List.of()).stream().map(id -> Workspace.fromArmId(id)
                .orElseThrow(() -> new ConfigurationException("rules.workspaces: \"" + id
                        + "\" is not an Azure ML workspace id"))).toList();
        this.path = config.path().filter(p -> !p.isBlank()).map(Path::of);
        byte[] content = read().orElseThrow(() -> new ConfigurationException("The rules file "
                + path.map(Path::toString).orElse(SAMPLE) + " cannot be read (rules.path / RULES_PATH)"));
        LoadResult result = loader.load(content, source());
        if (result instanceof LoadResult.Invalid invalid) {
            StringBuilder msg = new StringBuilder("The rules file " + source() + " is invalid (" + invalid.errors().size()
                    + " violation(s)); the service does not start:");
            invalid.errors().forEach(v -> msg.append("\n  ").append(v));
            throw new ConfigurationException(msg.toString());
        }
        activate(((LoadResult.Loaded) result).ruleSet(), "Loaded");
        if (path.isEmpty()) {
            LOG.warnf("No rules file configured (rules.path / RULES_PATH): using the sample rules shipped in the service");
        }
        this.reloadSuccess = Counter.builder("rules.reloads").description("Changes of the rules file, by outcome")
                .tag("result", "success").register(metrics);
        this.reloadFailure = Counter.builder("rules.reloads").description("Changes of the rules file, by outcome")
                .tag("result", "failure").register(metrics);
        Gauge.builder("rules.last.reload.successful", this, h -> h.lastError == null ? 1 : 0)
                .description("1 when the rules file on disk is the active one, 0 while a change is refused")
                .register(metrics);
        Gauge.builder("rules.last.reload.success.timestamp.seconds", lastSuccessMillis, m -> m.get() / 1000.0)
                .description("Unix time of the last successful load of the rules file (at startup or on a reload)")
                .register(metrics);
        Gauge.builder("rules.active", this, h -> h.current.rules().size())
                .description("Rules in the active rule set").register(metrics);
        this.info = MultiGauge.builder("rules.info").description("1, labelled with the active rules' version")
                .register(metrics);
        showVersion();
        if (path.isPresent() && config.reload().enabled()) {
            startWatching(path.get());
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
        Optional<byte[]> content = read();
        if (content.isEmpty()) {
            return false;
        }
        String version = RuleSetLoader.version(content.get());
        if (version.equals(current.version())) {
            if (lastError != null) {
                // The refused change was undone: the file is the active rules again, nothing is refused any more.
                lastError = null;
                LOG.infof("The rules file %s is back to the active rules %s; the refused change is gone", source(),
                        current.shortVersion());
            }
            return false;
        }
        if (lastError != null && version.equals(lastError.version())) {
            return false;
        }
        LoadResult result = loader.load(content.get(), source());
        if (result instanceof LoadResult.Loaded loaded) {
            activate(loaded.ruleSet(), "Reloaded");
            showVersion();
            activated.fire(new RulesActivated(current.rules().stream().map(Rule::name)
                    .collect(java.util.stream.Collectors.toSet())));
            reloads.incrementAndGet();
            reloadSuccess.increment();
            return true;
        }
        List<Violation> errors = ((LoadResult.Invalid) result).errors();
        lastError = ReloadError.of(java.time.Instant.now(), source(), version, errors);
        failedReloads.incrementAndGet();
        reloadFailure.increment();
        StringBuilder msg = new StringBuilder();
        errors.forEach(v -> msg.append("\n  ").append(v));
        LOG.warnf("Refused the changed rules file %s (%d violation(s)); rules %s stay active:%s", source(),
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

    private void activate(RuleSet set, String verb) {
        current = set.withExtraWorkspaces(configWorkspaces);
        lastError = null;
        lastSuccessMillis.set(System.currentTimeMillis());
        LOG.infof("%s %d rule(s) from %s, version %s; workspaces: %s", verb, set.rules().size(), source(),
                set.shortVersion(), current.workspaces().isEmpty() ? "any" : current.workspaces().size());
        set.warnings().forEach(w -> LOG.warnf("Rules warning: %s", w));
    }

    /** {@code rules_info{version}} names the active version only: the previous one's series goes away. */
    private void showVersion() {
        info.register(List.of(MultiGauge.Row.of(Tags.of("version", current.shortVersion()), 1)), true);
    }

    private String source() {
        return path.map(Path::toString).orElse("classpath:" + SAMPLE);
    }

    private Optional<byte[]> read() {
        try {
            if (path.isPresent()) {
                long size = Files.size(path.get());
                if (size > RuleSetLoader.MAX_FILE_BYTES) {
                    // Let the loader report it with the same message the linter gives.
                    return Optional.of(new byte[(int) Math.min(size, RuleSetLoader.MAX_FILE_BYTES + 1L)]);
                }
                return Optional.of(Files.readAllBytes(path.get()));
            }
            try (InputStream in = RuleSetHolder.class.getClassLoader().getResourceAsStream(SAMPLE)) {
                return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
            }
        } catch (NoSuchFileException e) {
            LOG.warnf("The rules file %s does not exist (now); keeping the active rules", source());
            return Optional.empty();
        } catch (IOException e) {
            LOG.warnf("Cannot read the rules file %s: %s; keeping the active rules", source(), e.getMessage());
            return Optional.empty();
        }
    }

    private void startWatching(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            watchService = FileSystems.getDefault().newWatchService();
            dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
            LOG.warnf("Cannot watch %s (%s); changes are picked up by polling every %s", dir, e.getMessage(),
                    config.reload().pollInterval());
            watchService = null;
        }
        long pollMillis = Math.max(100, config.reload().pollInterval().toMillis());
        watcher = new Thread(() -> watch(pollMillis), "rules-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void watch(long pollMillis) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (watchService != null) {
                    WatchKey key = watchService.poll(pollMillis, TimeUnit.MILLISECONDS);
                    if (key != null) {
                        key.pollEvents();
                        key.reset();
                        Thread.sleep(50); // let a symlink swap or a multi-step write settle
                    }
                } else {
                    Thread.sleep(pollMillis);
                }
                reloadNow();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warnf(e, "Rules reload failed unexpectedly; keeping the active rules");
            }
        }
    }

    void stop(@Observes ShutdownEvent event) {
        Thread t = watcher;
        if (t != null) {
            t.interrupt();
        }
        try {
            if (watchService != null) {
                watchService.close();
            }
        } catch (IOException ignored) {
            // closing on the way out
        }
    }
}
