package io.amlrouter.rules;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.amlrouter.events.Channels;
import io.amlrouter.events.MlEvent;

/** Consumes {@code ml-events}. (The rule engine replaces this logging consumer.) */
@ApplicationScoped
public class EventRouter {

    private static final Logger LOG = Logger.getLogger(EventRouter.class);

    @Incoming(Channels.ML_EVENTS)
    public CompletionStage<Void> route(Message<MlEvent> message) {
        MlEvent event = message.getPayload();
        LOG.infof("Event %s (%s) received; no rule engine yet", event.id(), event.type());
        return message.ack();
    }
}
