package io.amlrouter.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.amlrouter.events.MlEvent;
import io.amlrouter.events.Workspace;
import io.amlrouter.ingest.IngestConfig;
import io.amlrouter.rules.action.RenderedAction;
import io.amlrouter.rules.action.RenderedAdfPipelineRun;
import io.amlrouter.rules.action.RenderedAmlJob;
import io.amlrouter.rules.action.RenderedAmlOnlineDeployment;
import io.quarkus.qute.TemplateData;

/**
 * Links from the console into Azure ML studio ({@code ingest.studio-url}, as the events' run links) and the Azure
 * portal ({@code console.portal-url}) for what an event names (its run, its model, its workspace) and what an action
 * created (a job, an online deployment, a Data Factory pipeline run). Built from ARM ids and names only; every part is URL-encoded.
 */
@ApplicationScoped
public class Links {

    static final String ADF = "https://adf.azure.com/en/monitoring/pipelineruns/";

    private final String studio;
    private final String portal;

    /** A link with the words a person reads. */
    @TemplateData
    public record Link(String text, String url) {
    }

    @Inject
    public Links(IngestConfig ingest, ConsoleConfig console) {
        this(ingest.studioUrl(), console.portalUrl());
    }

    Links(String studio, String portal) {
        this.studio = studio.endsWith("/") ? studio.substring(0, studio.length() - 1) : studio;
        this.portal = (portal.endsWith("/") ? portal.substring(0, portal.length() - 1) : portal) + "/#@/resource";
    }

    /** The event's run (studio link the event carries), model and workspace. */
    public List<Link> forEvent(MlEvent event) {
        List<Link> links = new ArrayList<>();
        event.studioUrl().ifPresent(u -> links.add(new Link("Run in Azure ML studio", u)));
        Optional<Workspace> ws = event.envelope().workspaceIfAny();
        if (event instanceof MlEvent.ModelRegistered m && m.modelName() != null && ws.isPresent()) {
            links.add(new Link("Model " + m.modelName() + ":" + m.modelVersion() + " in Azure ML studio", studio
                    + "/model/" + enc(m.modelName() + ":" + m.modelVersion()) + "/details?wsid=" + enc(ws.get().studioWsid())));
        }
        if (event instanceof MlEvent.DeploymentOutcome d && d.endpoint() != null && ws.isPresent()) {
            links.add(endpoint(ws.get(), d.endpoint()));
        }
        ws.ifPresent(w -> links.add(new Link("Workspace " + w.name() + " in the Azure portal", portal(w.armId()))));
        return links;
    }

    /** What an action created, from its rendered form and the id it recorded. */
    public List<Link> forAction(RenderedAction rendered, String externalId) {
        List<Link> links = new ArrayList<>();
        if (rendered instanceof RenderedAmlJob job) {
            Optional<Workspace> ws = Workspace.fromArmId(job.workspace());
            String name = externalId != null ? externalId : job.jobName();
            if (ws.isPresent() && name != null) {
                links.add(new Link("Job " + name + " in Azure ML studio", studio + "/runs/" + enc(name) + "?wsid="
                        + enc(ws.get().studioWsid())));
            }
        } else if (rendered instanceof RenderedAmlOnlineDeployment d) {
            Workspace.fromArmId(d.workspace()).ifPresent(ws -> {
                links.add(endpoint(ws, d.endpoint()));
                links.add(new Link("Deployment " + d.deployment() + " in the Azure portal", portal(ws.armId()
                        + "/onlineEndpoints/" + d.endpoint() + "/deployments/" + d.deployment())));
            });
        } else if (rendered instanceof RenderedAdfPipelineRun adf && externalId != null) {
            links.add(new Link("Pipeline run " + externalId + " in Data Factory studio", ADF + enc(externalId)
                    + "?factory=" + enc(adf.factory())));
            links.add(new Link("Data factory in the Azure portal", portal(adf.factory())));
        }
        return links;
    }

    private Link endpoint(Workspace ws, String endpoint) {
        return new Link("Endpoint " + endpoint + " in Azure ML studio", studio + "/endpoints/realtime/" + enc(endpoint)
                + "/detail?wsid=" + enc(ws.studioWsid()));
    }

    private String portal(String armId) {
        // ARM ids are paths of names Azure restricts to URL-safe characters; encode each segment all the same.
        StringBuilder b = new StringBuilder(portal);
        for (String seg : armId.split("/")) {
            if (!seg.isEmpty()) {
                b.append('/').append(enc(seg));
            }
        }
        return b.append("/overview").toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
