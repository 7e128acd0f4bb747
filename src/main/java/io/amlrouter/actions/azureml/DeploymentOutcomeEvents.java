package io.amlrouter.actions.azureml;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.Defect;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventTypes;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.Watch;

/**
 * Builds the synthetic events that announce how a watched deployment ended,
 * {@code AmlEventRouter.DeploymentSucceeded} or {@code AmlEventRouter.DeploymentFailed}, in the Event
 * Grid schema: topic = the workspace's ARM id (so the workspace allow-list applies as to Azure ML's own
 * events), subject = {@code onlineEndpoints/{e}/deployments/{d}}, data as
 * {@code rules.template.EventModel} declares it. The id is derived from the action's key, so every
 * publication of one outcome is the same event to the ledger.
 */
@ApplicationScoped
public class DeploymentOutcomeEvents {

    /** Attribute names of a deployment {@link Watch}. */
    static final String WORKSPACE = "workspace";
    static final String ENDPOINT = "endpoint";
    static final String DEPLOYMENT = "deployment";
    static final String MODEL = "model";
    static final String RULE = "rule";
    static final String SOURCE_EVENT = "sourceEventId";
    static final String TRAFFIC = "trafficPercent";
    static final String POLL = "poll";
    static final String STATUS = "status";
    static final String SUCCEEDED = "succeeded";
    static final String ERROR_CODE = "errorCode";
    static final String ERROR_MESSAGE = "errorMessage";
    static final String CHAIN = "chainDepth";
    /** Set while the traffic update is followed: what is polled, how ("operation" or "resource"), the share asked. */
    static final String TRAFFIC_POLL_URL = "trafficPollUrl";
    static final String TRAFFIC_POLL = "trafficPoll";
    static final String TRAFFIC_SHARE = "trafficShare";

    private final EventDecoder decoder;

    public DeploymentOutcomeEvents(EventDecoder decoder) {
        this.decoder = decoder;
    }

    /** The id of the outcome event of this action. */
    public static String eventId(ActionKey key) {
        return UUID.nameUUIDFromBytes(("aml-event-router/deployment-outcome/" + key.id())
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * How many deployments, started by rules one from the outcome of the other, the event announces the end
     * of: 0 for any event but a deployment outcome.
     */
    static int chainDepth(MlEvent event) {
        return event instanceof MlEvent.DeploymentOutcome outcome ? outcome.chainDepth() : 0;
    }

    /** The outcome event of a watch whose attributes hold the outcome. */
    MlEvent build(Watch watch, Instant time) {
        Map<String, String> a = watch.attributes();
        boolean succeeded = Boolean.parseBoolean(a.get(SUCCEEDED));
        ObjectNode event = JsonNodeFactory.instance.objectNode();
        event.put("id", eventId(watch.key()));
        event.put("topic", a.get(WORKSPACE));
        event.put("subject", "onlineEndpoints/" + a.get(ENDPOINT) + "/deployments/" + a.get(DEPLOYMENT));
        event.put("eventType", succeeded ? EventTypes.DEPLOYMENT_SUCCEEDED : EventTypes.DEPLOYMENT_FAILED);
        event.put("eventTime", time.toString());
        ObjectNode data = event.putObject("data");
        data.put("endpoint", a.get(ENDPOINT));
        data.put("deployment", a.get(DEPLOYMENT));
        data.put("model", a.get(MODEL));
        data.put("status", a.get(STATUS));
        if (a.containsKey(ERROR_CODE)) {
            data.put("errorCode", a.get(ERROR_CODE));
        }
        if (a.containsKey(ERROR_MESSAGE)) {
            data.put("errorMessage", a.get(ERROR_MESSAGE));
        }
        data.put("operationUrl", watch.operationUrl());
        data.put("workspace", a.get(WORKSPACE));
        data.put("sourceEventId", a.get(SOURCE_EVENT));
        data.put("rule", a.get(RULE));
        data.put(CHAIN, parseChain(a.get(CHAIN)));
        event.put("dataVersion", "1");
        event.put("metadataVersion", "1");
        List<Defect> defects = new ArrayList<>();
        Inbound inbound = decoder.decodeEvent(event, "", BodyFormat.JSON, defects);
        if (!(inbound instanceof Inbound.Notification notification)) {
            throw new IllegalStateException("synthetic event is not decodable: " + defects);
        }
        return notification.event();
    }

    /** A watch saved before the attribute existed ends a chain of one. */
    private static int parseChain(String value) {
        try {
            return value == null ? 1 : Math.max(1, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
