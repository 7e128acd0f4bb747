package io.amlrouter.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import io.quarkus.qute.TemplateData;

/**
 * The sample events the dry-run form offers (resources {@code console-samples/*.json}, Event Grid schema, copies of
 * the test fixtures of the same names: {@code ConsoleSamplesTest} keeps them equal).
 */
public final class Samples {

    /** A sample: its file name (the form's value) and what it is. */
    @TemplateData
    public record Sample(String name, String label) {
    }

    public static final List<Sample> ALL = List.of(
            new Sample("RunStatusChanged.json", "Run status changed: a failed AutoML run"),
            new Sample("RunStatusChanged.running.json", "Run status changed: a run started running"),
            new Sample("RunCompleted.json", "Run completed: a drift-triggered retraining"),
            new Sample("ModelRegistered.json", "Model registered: stage=candidate"),
            new Sample("ModelRegistered.approved.json", "Model registered: stage=approved"),
            new Sample("DatasetDriftDetected.json", "Dataset drift detected"),
            new Sample("ModelDeployed.json", "Model deployed to a web service"));

    private Samples() {
    }

    /** A sample's JSON; empty for a name not in {@link #ALL}. */
    public static Optional<String> json(String name) {
        if (name == null || ALL.stream().noneMatch(s -> s.name().equals(name))) {
            return Optional.empty();
        }
        try (InputStream in = Samples.class.getClassLoader().getResourceAsStream("console-samples/" + name)) {
            if (in == null) {
                return Optional.empty();
            }
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
