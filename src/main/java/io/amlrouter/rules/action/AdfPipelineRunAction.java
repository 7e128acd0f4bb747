package io.amlrouter.rules.action;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.amlrouter.rules.diagnostics.Diagnostics;
import io.amlrouter.rules.diagnostics.StrictObject;
import io.amlrouter.rules.template.RenderException;
import io.amlrouter.rules.template.TemplateScope;
import io.amlrouter.rules.template.Templates;

/**
 * {@code adfPipelineRun}: Azure Data Factory Pipelines - Create Run,
 * {@code POST .../factories/{f}/pipelines/{p}/createRun}. Factory and pipeline are fixed in the rules
 * file; the parameters may hold placeholders.
 *
 * @param factory the factory's ARM id, in canonical spelling
 * @param parameters the pipeline parameters, or null for none
 */
public record AdfPipelineRunAction(String factory, String pipeline, JsonTemplate parameters) implements ActionSpec {

    static final List<String> KEYS = List.of("factory", "pipeline", "parameters");

    private static final Pattern FACTORY = Pattern.compile(
            "^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.DataFactory/factories/([^/]+)$",
            Pattern.CASE_INSENSITIVE);
    /** Characters Data Factory refuses in names, plus the path-breaking ones. */
    private static final Pattern BAD_PIPELINE_CHARS = Pattern.compile("[./?#%+<>*&:\\\\{}]");

    @Override
    public ActionKind kind() {
        return ActionKind.ADF_PIPELINE_RUN;
    }

    @Override
    public RenderedAction render(ActionContext context) throws RenderException {
        JsonNode rendered = parameters == null ? JsonNodeFactory.instance.objectNode()
                : parameters.render(context.templates());
        return new RenderedAdfPipelineRun(factory, pipeline, rendered);
    }

    static Optional<ActionSpec> parse(StrictObject o, TemplateScope scope, Templates templates) {
        Diagnostics d = o.diagnostics();
        int before = d.errors().size();
        String factory = o.string("factory", true).map(f -> {
            Matcher m = FACTORY.matcher(f.strip());
            if (!m.matches()) {
                d.error(o.path("factory"), "\"" + f + "\" is not a Data Factory id (/subscriptions/{id}/resourceGroups/"
                        + "{rg}/providers/Microsoft.DataFactory/factories/{name}); placeholders are not allowed here");
                return null;
            }
            return "/subscriptions/" + m.group(1) + "/resourceGroups/" + m.group(2)
                    + "/providers/Microsoft.DataFactory/factories/" + m.group(3);
        }).orElse(null);
        String pipeline = o.string("pipeline", true).map(p -> {
            if (p.length() > 260 || BAD_PIPELINE_CHARS.matcher(p).find()) {
                d.error(o.path("pipeline"), "\"" + p + "\" is not a pipeline name (at most 260 characters, none of "
                        + ". / ? # % + < > * & : \\ and no placeholders)");
                return null;
            }
            return p;
        }).orElse(null);
        JsonTemplate parameters = o.object("parameters", false)
                .flatMap(p -> JsonTemplate.compile(p, o.path("parameters"), templates, scope, d)).orElse(null);
        if (d.errors().size() > before || factory == null || pipeline == null) {
            return Optional.empty();
        }
        return Optional.of(new AdfPipelineRunAction(factory, pipeline, parameters));
    }
}
