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

    /**
     * Domains mail recipients may be in: {@code contoso.com} (that domain), {@code *.contoso.com} (its
     * subdomains). A recipient written in the rules file outside them is a load error; one taken from event
     * data (a run tag) is left out of the mail and recorded (history, log, metric), and the mail goes to the
     * others. Empty allows any domain. No default.
     */
    Optional<List<String>> allowedRecipientDomains();

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
        /**
         * Hosts that URLs may name: {@code hooks.contoso.com}, {@code *.contoso.com} (every subdomain), either
         * with a port ({@code hooks.contoso.com:8443}); an entry without a port allows the default port only
         * (443, or 80 for http). Empty allows any host. No default.
         */
        Optional<List<String>> allowedHosts();

        /**
         * Special addresses URLs may reach after all: address ranges ({@code 10.20.0.0/16}, {@code fd00::/8})
         * or single addresses ({@code 127.0.0.1}). Without them no request goes to a loopback, link-local,
         * private (RFC 1918), shared (100.64/10), unique-local (fc00::/7), unspecified or other special
         * address, whether written in the URL or resolved from its host name. No default.
         */
        Optional<List<String>> allowedPrivate();

        /** Accept plain http:// URLs (development and tests only). Defaults to false. */
        @WithDefault("false")
        boolean allowHttp();
    }
}
