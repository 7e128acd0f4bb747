package io.amlrouter.rules.load;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.amlrouter.rules.RulesConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Keeps the active rules in step with the rules file when {@code rules.reload.enabled} and a file is
 * configured: a file-system watch on the file's directory, plus a re-read every
 * {@code rules.reload.poll-interval}, because Kubernetes updates a ConfigMap volume by swapping the
 * {@code ..data} symlink (an event on {@code ..data}, none on {@code rules.yaml}) and some file systems
 * send no events at all. Each wake-up asks {@link RuleSetHolder#reloadNow()}, which ignores an unchanged
 * file. One daemon thread, because {@link WatchService} only offers blocking waits.
 */
@ApplicationScoped
public class RulesFileWatcher {

    private static final Logger LOG = Logger.getLogger(RulesFileWatcher.class);
    /** Lets a symlink swap or a multi-step write settle before the file is read. */
    private static final long SETTLE_MILLIS = 50;

    private final RulesConfig config;
    private final RulesFile file;
    private final RuleSetHolder holder;
    private volatile Thread watcher;
    private volatile WatchService watchService;

    public RulesFileWatcher(RulesConfig config, RulesFile file, RuleSetHolder holder) {
        this.config = config;
        this.file = file;
        this.holder = holder;
    }

    void start(@Observes StartupEvent event) {
        if (file.path().isPresent() && config.reload().enabled()) {
            startWatching(file.path().get());
        }
    }

    private void startWatching(Path path) {
        Path dir = path.toAbsolutePath().getParent();
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
        Thread t = new Thread(() -> watch(pollMillis), "rules-watcher");
        t.setDaemon(true);
        watcher = t;
        t.start();
    }

    private void watch(long pollMillis) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (watchService != null) {
                    WatchKey key = watchService.poll(pollMillis, TimeUnit.MILLISECONDS);
                    if (key != null) {
                        key.pollEvents();
                        key.reset();
                        Thread.sleep(SETTLE_MILLIS);
                    }
                } else {
                    Thread.sleep(pollMillis);
                }
                holder.reloadNow();
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
