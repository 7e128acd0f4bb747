package io.amlrouter.rules;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The rules file and how rules act. */
@ConfigMapping(prefix = "rules")
public interface RulesConfig {

    /**
     * The rules file (YAML or JSON). In Kubernetes, the file of the mounted ConfigMap directory, e.g.
     * /etc/aml-event-router/rules/rules.yaml. Without it the sample rules shipped in the service are
     * used (classpath rules/sample-rules.yaml) and a warning says so. No default.
     */
    Optional<String> path();

    /**
     * Workspaces (ARM ids) whose events are acted on, added to the file's {@code workspaces:} list.
     * When both are empty, every workspace is accepted. No default.
     */
    Optional<List<String>> workspaces();

    /** How the file is watched for changes. */
    Reload reload();

    /** Longest text one template may render to. Defaults to 100000. */
    @WithDefault("100000")
    int templateMaxChars();

    /** Most recipients (to + cc + bcc) in one mail. Defaults to 20. */
    @WithDefault("20")
    int maxRecipients();

    /** Outbound URLs written in the rules file (webhooks, pipeline endpoints). */
    Urls urls();

    /**
     * How long a delivery waits for an action another replica is running before it is answered 503
     * (the redelivery finds it done). Defaults to 20s.
     */
    @WithDefault("20s")
    Duration heldClaimWait();

    interface Reload {
        /** Watch the file and reload it when it changes. Defaults to true. */
        @WithDefault("true")
        boolean enabled();

        /**
         * How often the file is also read to catch changes a file-system watch misses (a ConfigMap
         * update swaps a symlink). Defaults to 5s.
         */
        @WithDefault("5s")
        Duration pollInterval();
    }

    interface Urls {
        /** Hosts that URLs may name; empty allows any host. No default. */
        Optional<List<String>> allowedHosts();

        /** Accept plain http:// URLs (development and tests only). Defaults to false. */
        @WithDefault("false")
        boolean allowHttp();
    }
}
