package io.amlrouter.console;

import io.amlrouter.routing.DryRun;
import io.amlrouter.rules.load.ReloadError;
import io.quarkus.qute.TemplateData;

/** Value resolvers for the classes of other packages that the console's templates read (built at build time). */
@TemplateData(target = DryRun.EventSummary.class)
@TemplateData(target = ReloadError.class)
@TemplateData(target = DryRun.Evaluation.class)
final class TemplateTypes {

    private TemplateTypes() {
    }
}
