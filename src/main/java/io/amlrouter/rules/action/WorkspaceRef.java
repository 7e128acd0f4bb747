package io.amlrouter.rules.action;

import java.util.Optional;

import io.amlrouter.events.MlEvent;
import io.amlrouter.events.Workspace;
import io.amlrouter.rules.diagnostics.StrictObject;
import io.amlrouter.rules.template.RenderException;

/**
 * The workspace an Azure ML action acts in: {@code event} (the workspace that published the event,
 * the default) or a fixed workspace ARM id written in the rules file.
 *
 * @param fixed the fixed workspace, or null for the event's
 */
public record WorkspaceRef(Workspace fixed) {

    static final String EVENT = "event";

    /** The workspace for this event; fails when the event's topic names none. */
    public Workspace resolve(MlEvent event) throws RenderException {
        if (fixed != null) {
            return fixed;
        }
        Workspace w = event.envelope().workspace();
        if (w == null) {
            throw new RenderException("workspace: event: the event's topic names no Azure ML workspace ("
                    + event.envelope().topic() + ")");
        }
        return w;
    }

    /** Reads {@code workspace}: absent or {@code event}, or a workspace ARM id. */
    static Optional<WorkspaceRef> parse(StrictObject o) {
        Optional<String> value = o.string("workspace", false);
        if (value.isEmpty() || value.get().equals(EVENT)) {
            return Optional.of(new WorkspaceRef(null));
        }
        Optional<Workspace> w = Workspace.fromArmId(value.get());
        if (w.isEmpty() || value.get().contains("{")) {
            o.diagnostics().error(o.path("workspace"), "\"" + value.get() + "\" is neither \"event\" nor an Azure ML "
                    + "workspace id (/subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/"
                    + "workspaces/{name})");
            return Optional.empty();
        }
        return Optional.of(new WorkspaceRef(w.get()));
    }
}
