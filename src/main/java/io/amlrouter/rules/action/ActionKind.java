package io.amlrouter.rules.action;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The kinds of action a rule can run; each has its own channel and processor. */
public enum ActionKind {
    EMAIL("email", "action-email"),
    WEBHOOK("webhook", "action-webhook"),
    AML_JOB("amlJob", "action-aml-job"),
    ADF_PIPELINE_RUN("adfPipelineRun", "action-adf-pipeline-run"),
    AML_PIPELINE_ENDPOINT("amlPipelineEndpoint", "action-aml-pipeline-endpoint"),
    AML_ONLINE_DEPLOYMENT("amlOnlineDeployment", "action-aml-online-deployment");

    private final String key;
    private final String channel;

    ActionKind(String key, String channel) {
        this.key = key;
        this.channel = channel;
    }

    /** The key that names this kind in the rules file. */
    public String key() {
        return key;
    }

    /** The in-process channel its tasks travel on. */
    public String channel() {
        return channel;
    }

    public static Optional<ActionKind> fromKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(ActionKind::key).toList();
    }
}
