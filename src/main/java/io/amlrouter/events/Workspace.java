package io.amlrouter.events;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Azure Machine Learning workspace, as named by an event's {@code topic} (Event Grid schema) or
 * {@code source} (CloudEvents). ARM ids are case-insensitive, so parsing ignores case but keeps the
 * original spelling of each segment. The id must be the workspace's and nothing more: a workspace's system
 * topic is exactly its resource id, so {@code .../workspaces/ws/models/x} (a child) or
 * {@code .../workspaces/ws/../other} names no workspace, and {@code .} or {@code ..} is no segment.
 */
public record Workspace(String subscriptionId, String resourceGroup, String name) {

    private static final Pattern ARM_ID = Pattern.compile(
            "^/subscriptions/([^/]+)/resourcegroups/([^/]+)/providers/microsoft\\.machinelearningservices/workspaces/([^/]+)$",
            Pattern.CASE_INSENSITIVE);

    /** The last id parsed and its result: a subscription's events all name the same workspace. */
    private record Parsed(String armId, Optional<Workspace> workspace) {
    }

    private static volatile Parsed last = new Parsed("", Optional.empty());

    /** Parses a workspace ARM id; empty when it is not exactly one (a child resource's id is not). */
    public static Optional<Workspace> fromArmId(String armId) {
        if (armId == null) {
            return Optional.empty();
        }
        // Every event's topic is parsed; the regex was 4 % of the ingest path's CPU (docs/performance.md).
        Parsed seen = last;
        if (seen.armId().equals(armId)) {
            return seen.workspace();
        }
        Matcher m = ARM_ID.matcher(armId.trim());
        Optional<Workspace> parsed = m.matches() && segment(m.group(1)) && segment(m.group(2)) && segment(m.group(3))
                ? Optional.of(new Workspace(m.group(1), m.group(2), m.group(3)))
                : Optional.empty();
        last = new Parsed(armId, parsed);
        return parsed;
    }

    private static boolean segment(String s) {
        return !s.equals(".") && !s.equals("..");
    }

    /** The canonical ARM id of this workspace. */
    public String armId() {
        return "/subscriptions/" + subscriptionId + "/resourceGroups/" + resourceGroup
                + "/providers/Microsoft.MachineLearningServices/workspaces/" + name;
    }

    /** The {@code wsid} parameter of studio links, in the form the Azure ML SDK builds. */
    public String studioWsid() {
        return "/subscriptions/" + subscriptionId + "/resourcegroups/" + resourceGroup + "/workspaces/" + name;
    }

    /** Case-insensitive identity, as ARM compares resource ids. */
    public String key() {
        return armId().toLowerCase(Locale.ROOT);
    }

    /** True when both name the same workspace, ignoring case. */
    public boolean sameAs(Workspace other) {
        // Segment by segment: the same as comparing the keys (no segment contains '/'), without building them.
        return other != null && subscriptionId.equalsIgnoreCase(other.subscriptionId)
                && resourceGroup.equalsIgnoreCase(other.resourceGroup) && name.equalsIgnoreCase(other.name);
    }
}
