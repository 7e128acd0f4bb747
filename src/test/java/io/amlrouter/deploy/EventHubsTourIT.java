package io.amlrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.support.ServiceProcess;

/**
 * The README's tour "Event Hubs ingest (local broker)", as written: its commands are read from the README,
 * the broker is started and the event produced by the very script it names ({@code bench/kafka-local.sh}),
 * and the service is the packaged jar with the settings of the README's command line (the tour runs
 * {@code ./mvnw quarkus:dev}; the same settings, and the same sample rules, in the jar's production profile, which
 * needs an admin key for the history). The event must then be in {@code /events/recent}, routed by
 * {@code mail-failed-runs} with its email action done.
 */
class EventHubsTourIT {

    private static final Path README = Path.of("README.md");
    private static final String SECTION = "### Event Hubs ingest (local broker)";
    /** The README's environment variables and the properties they stand for (ServiceProcess passes properties). */
    private static final Map<String, String> PROPERTY_OF = Map.of(
            "INGEST_EVENTHUBS_BOOTSTRAP_SERVERS", "ingest.eventhubs.bootstrap-servers",
            "INGEST_EVENTHUBS_AUTH", "ingest.eventhubs.auth",
            "INGEST_EVENTHUBS_ALLOW_PLAINTEXT", "ingest.eventhubs.allow-plaintext");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    @Test
    void theTourAsWritten() throws Exception {
        List<String> commands = commands();
        assertThat(commands).as("the tour's commands").hasSize(4);
        assertThat(commands.get(0)).startsWith("bench/kafka-local.sh broker");
        Matcher service = Pattern.compile("^((?:[A-Z_]+=\\S+ )+)\\./mvnw quarkus:dev$").matcher(commands.get(1));
        assertThat(service.matches()).as("service command: %s", commands.get(1)).isTrue();
        Matcher produce = Pattern.compile("^bench/kafka-local\\.sh produce 127\\.0\\.0\\.1:<port> (\\S+)$").matcher(commands.get(2));
        assertThat(produce.matches()).as("produce command: %s", commands.get(2)).isTrue();
        assertThat(commands.get(3)).isEqualTo("curl -s localhost:8080/events/recent");

        // 1. The broker, by the script.
        Process broker = new ProcessBuilder("bash", "bench/kafka-local.sh", "broker").redirectErrorStream(true).start();
        started.add(() -> destroy(broker));
        String bootstrap = awaitLine(broker, Pattern.compile("INGEST_EVENTHUBS_BOOTSTRAP_SERVERS=(127\\.0\\.0\\.1:\\d+) "),
                Duration.ofSeconds(300));

        // 2. The service, with the README's settings (<port> = the broker's).
        Map<String, String> properties = new LinkedHashMap<>();
        for (String assignment : service.group(1).trim().split(" ")) {
            String[] kv = assignment.split("=", 2);
            assertThat(PROPERTY_OF).as("a setting of the tour's command line").containsKey(kv[0]);
            properties.put(PROPERTY_OF.get(kv[0]), kv[1].replace("127.0.0.1:<port>", bootstrap));
        }
        assertThat(properties).hasSize(PROPERTY_OF.size());
        ServiceProcess router = ServiceProcess.start("eventhubs-tour", List.of("-Xmx128m"), properties);
        started.add(router);

        // 3. The event, by the script.
        Path file = Path.of(produce.group(1));
        JsonNode fixture = new ObjectMapper().readTree(file.toFile());
        String id = (fixture.isArray() ? fixture.path(0) : fixture).path("id").asText();
        assertThat(id).isNotEmpty();
        Process producer = new ProcessBuilder("bash", "bench/kafka-local.sh", "produce", bootstrap, file.toString())
                .redirectErrorStream(true).start();
        started.add(() -> destroy(producer));
        String produced = new String(producer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(producer.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(producer.exitValue()).as(produced).isZero();
        assertThat(produced).contains("(event " + id + ") to aml-events");

        // 4. The history: routed by mail-failed-runs, its mail done.
        JsonNode event = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (event == null && System.nanoTime() < deadline) {
            HttpResponse<String> recent = HTTP.send(HttpRequest.newBuilder(URI.create(router.url() + "/events/recent"))
                    .header("Authorization", "Bearer " + ServiceProcess.ADMIN_KEY).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode e : new ObjectMapper().readTree(recent.body()).path("events")) {
                if (e.path("id").asText().equals(id) && e.path("actions").path(0).path("state").asText().equals("SUCCEEDED")) {
                    event = e;
                }
            }
            if (event == null) {
                Thread.sleep(200);
            }
        }
        assertThat(event).as("event %s in /events/recent; service log:%n%s", id, router.log()).isNotNull();
        assertThat(event.path("matchedRules").toString()).isEqualTo("[\"mail-failed-runs\"]");
        assertThat(event.path("actions").path(0).path("kind").asText()).isEqualTo("email");
    }

    /** The commands of the section's bash blocks, comments and blank lines left out. */
    private static List<String> commands() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf(SECTION);
        assertThat(start).as("README section %s", SECTION).isNotNegative();
        int end = readme.indexOf("\n## ", start);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        List<String> commands = new ArrayList<>();
        Matcher block = Pattern.compile("(?s)```bash\n(.*?)```").matcher(section);
        while (block.find()) {
            for (String line : block.group(1).split("\n")) {
                String command = line.replaceAll("\\s+#.*$", "").strip();
                if (!command.isEmpty() && !command.startsWith("#")) {
                    commands.add(command);
                }
            }
        }
        return commands;
    }

    /** Reads the process's output until a line matches; returns the pattern's first group. */
    private static String awaitLine(Process process, Pattern pattern, Duration timeout) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null;) {
                    seen.append(line).append('\n');
                    Matcher m = pattern.matcher(line);
                    if (m.find()) {
                        return m.group(1);
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        String value = found.get(timeout.toSeconds(), TimeUnit.SECONDS);
        assertThat(value).as("output of the broker script:%n%s", seen).isNotNull();
        // Keep draining its output so the broker never blocks on a full pipe.
        CompletableFuture.runAsync(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        return value;
    }

    private static void destroy(Process process) throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
