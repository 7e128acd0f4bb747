package io.amlrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the Event Grid subscription as code in step: the Bicep template, the {@code az} script and
 * the parameter table in deploy/eventgrid/README.md must name the same parameters with the same
 * defaults, and both files must hand every parameter to the same Event Grid setting. Plain JUnit:
 * it reads the three files, nothing is deployed.
 */
class EventGridSubscriptionAsCodeTest {

    private static final Path DIR = Path.of("deploy", "eventgrid");
    private static final List<String> AML_EVENT_TYPES = List.of(
            "Microsoft.MachineLearningServices.RunCompleted",
            "Microsoft.MachineLearningServices.RunStatusChanged",
            "Microsoft.MachineLearningServices.ModelRegistered",
            "Microsoft.MachineLearningServices.ModelDeployed",
            "Microsoft.MachineLearningServices.DatasetDriftDetected");
    /** The only script parameter without a Bicep twin: Bicep gets it from the deployment scope. */
    private static final String SCRIPT_ONLY = "resourceGroup";

    private static String bicep;
    private static String script;
    private static Map<String, BicepParam> bicepParams;
    private static Map<String, String> scriptParams;
    private static Map<String, DocRow> docRows;

    record BicepParam(String name, String type, String defaultValue, List<String> decorators) {}

    record DocRow(String name, String defaultCell) {}

    @BeforeAll
    static void readFiles() throws IOException {
        bicep = Files.readString(DIR.resolve("main.bicep"));
        script = Files.readString(DIR.resolve("create-subscription.sh"));
        bicepParams = parseBicep(bicep);
        scriptParams = parseScript(script);
        docRows = parseDocTable(Files.readString(DIR.resolve("README.md")));
    }

    @Test
    void sameParameterNamesEverywhere() {
        assertThat(bicepParams).isNotEmpty();
        assertThat(scriptParams.keySet()).containsExactlyInAnyOrderElementsOf(withScriptOnly(bicepParams.keySet()));
        assertThat(docRows.keySet()).containsExactlyInAnyOrderElementsOf(scriptParams.keySet());
        assertThat(bicepParams).doesNotContainKey(SCRIPT_ONLY);
        assertThat(docRows.get(SCRIPT_ONLY).defaultCell()).contains("script only");
    }

    @Test
    void sameDefaultsEverywhere() {
        for (BicepParam p : bicepParams.values()) {
            String expected = p.defaultValue() == null ? "" : normalise(p.defaultValue());
            String cell = docRows.get(p.name()).defaultCell();
            if (p.type().equals("array")) {
                continue; // includedEventTypes, checked on its own below
            }
            assertThat(scriptDefault(p.name())).as("script default of %s", p.name()).isEqualTo(expected);
            if (expected.isEmpty()) {
                assertThat(cell).as("docs default of %s", p.name()).matches("\\((required|empty).*");
            } else {
                assertThat(cell).as("docs default of %s", p.name()).contains("`" + expected + "`");
            }
        }
    }

    @Test
    void requiredInBothFilesAndInTheTable() {
        List<String> bicepRequired = bicepParams.values().stream().filter(p -> p.defaultValue() == null)
                .map(BicepParam::name).toList();
        Matcher m = Pattern.compile("(?m)^for required in ([\\w ]+); do$").matcher(script);
        assertThat(m.find()).as("the script's list of required parameters").isTrue();
        assertThat(List.of(m.group(1).split(" "))).containsExactlyInAnyOrderElementsOf(withScriptOnly(Set.copyOf(bicepRequired)));
        for (String name : bicepRequired) {
            assertThat(docRows.get(name).defaultCell()).as("docs default of %s", name).startsWith("(required");
        }
    }

    /**
     * Bicep needs a resource's location at the start of the deployment (BCP120), so the system topic's
     * region is a required parameter, not the existing workspace's {@code .location}; the script takes the
     * same parameter and refuses a region other than the workspace's.
     */
    @Test
    void theSystemTopicRegionIsARequiredParameter() {
        assertThat(bicepParams.get("location").defaultValue()).as("default of location").isNull();
        assertThat(bicep).doesNotContain("workspace.location").contains("  location: location\n");
        assertThat(script).contains("--location \"$location\"", "\"${workspaceLocation,,}\" != \"${location,,}\"");
    }

    @Test
    void retryPolicyIsThirtyAttemptsOverADay() {
        assertThat(bicepParams.get("maxDeliveryAttempts").defaultValue()).isEqualTo("30");
        assertThat(bicepParams.get("eventTimeToLiveInMinutes").defaultValue()).isEqualTo("1440");
        assertThat(scriptParams).containsEntry("maxDeliveryAttempts", "30").containsEntry("eventTimeToLiveInMinutes", "1440");
        assertThat(docRows.get("maxDeliveryAttempts").defaultCell()).isEqualTo("`30`");
        assertThat(docRows.get("eventTimeToLiveInMinutes").defaultCell()).isEqualTo("`1440`");
    }

    @Test
    void theFiveAzureMlEventTypesByDefault() {
        assertThat(bicepList(bicepParams.get("includedEventTypes").defaultValue()))
                .containsExactlyElementsOf(AML_EVENT_TYPES);
        assertThat(scriptParams.get("includedEventTypes").split(" ")).containsExactlyElementsOf(AML_EVENT_TYPES);
        String cell = docRows.get("includedEventTypes").defaultCell();
        for (String type : AML_EVENT_TYPES) {
            assertThat(cell).contains("`" + type.substring(type.lastIndexOf('.') + 1) + "`");
        }
    }

    @Test
    void sameAllowedValuesAndRanges() {
        assertThat(allowed("deliveryAuth")).containsExactly("queryKey", "entra");
        assertThat(script).contains("  queryKey)", "  entra)");
        assertThat(allowed("eventDeliverySchema")).containsExactly("EventGridSchema", "CloudEventSchemaV1_0");
        assertThat(script).contains("EventGridSchema|CloudEventSchemaV1_0)");
        for (BicepParam p : bicepParams.values()) {
            String min = decorator(p, "minValue"), max = decorator(p, "maxValue");
            if (min != null) {
                assertThat(script).as("range check of %s", p.name())
                        .contains("in_range %s \"$%s\" %s %s".formatted(p.name(), p.name(), min, max));
            }
        }
        assertThat(decorator(bicepParams.get("ingestKey"), "secure")).isNotNull();
    }

    @Test
    void bothFilesFeedTheSameEventGridSettings() {
        // property in main.bicep <- parameter <- az flag in create-subscription.sh
        Map<String, String> bicepToFlag = Map.of(
                "maxDeliveryAttempts", "--max-delivery-attempts \"$maxDeliveryAttempts\"",
                "eventTimeToLiveInMinutes", "--event-ttl \"$eventTimeToLiveInMinutes\"",
                "maxEventsPerBatch", "--max-events-per-batch \"$maxEventsPerBatch\"",
                "preferredBatchSizeInKilobytes", "--preferred-batch-size-in-kilobytes \"$preferredBatchSizeInKilobytes\"",
                "eventDeliverySchema", "--event-delivery-schema \"${eventDeliverySchema,,}\"",
                "includedEventTypes", "--included-event-types \"${eventTypes[@]}\"");
        bicepToFlag.forEach((name, flag) -> {
            assertThat(bicep).contains(name + ": " + name);
            assertThat(script).contains(flag);
        });
        assertThat(bicep).contains(
                "azureActiveDirectoryTenantId: useQueryKey ? null : azureActiveDirectoryTenantId",
                "azureActiveDirectoryApplicationIdOrUri: useQueryKey ? null : azureActiveDirectoryApplicationIdOrUri",
                "endpointUrl: useQueryKey ? '${endpointUrl}?key=${ingestKey}' : endpointUrl",
                "blobContainerName: deadLetterContainer.name",
                "endpointType: 'WebHook'",
                "topicType: 'Microsoft.MachineLearningServices.Workspaces'",
                "'Microsoft.EventGrid/systemTopics@2025-02-15'",
                "'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15'");
        assertThat(script).contains(
                "--azure-active-directory-tenant-id \"$azureActiveDirectoryTenantId\"",
                "--azure-active-directory-application-id-or-uri \"$azureActiveDirectoryApplicationIdOrUri\"",
                "endpoint=\"${endpointUrl}?key=${ingestKey}\"",
                "--deadletter-endpoint \"$storageId/blobServices/default/containers/$deadLetterContainerName\"",
                "--endpoint-type webhook",
                "--topic-type Microsoft.MachineLearningServices.Workspaces",
                "az eventgrid system-topic event-subscription create");
    }

    /**
     * ingest=eventhub, in both files: the event hub and its consumer group from the same parameters, the
     * system topic's own identity with "Azure Event Hubs Data Sender" on the event hub and delivery with that
     * identity, the router's identity with "Azure Event Hubs Data Receiver". The role ids are the built-in
     * ones ("Azure built-in roles"); some published templates swap the two, so each id is checked against
     * the principal it is given to.
     */
    @Test
    void eventHubIngestTheSameInBothFiles() {
        String sender = "2b629674-e913-4c01-ae53-ef4638d8f975";   // Azure Event Hubs Data Sender
        String receiver = "a638d3c7-ab3a-418d-83e6-5f17a39d4fde"; // Azure Event Hubs Data Receiver
        assertThat(allowed("ingest")).containsExactly("webhook", "eventhub");
        assertThat(script).contains("  webhook)", "  eventhub)");
        assertThat(allowed("eventHubNamespaceSku")).containsExactly("Standard", "Premium");
        assertThat(script).contains("Standard|Premium)");

        assertThat(bicep).contains(
                "var eventHubsDataSender = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '" + sender + "')",
                "var eventHubsDataReceiver = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '" + receiver + "')",
                "identity: useEventHub ? { type: 'SystemAssigned' } : null",
                "'Microsoft.EventHub/namespaces@2024-01-01'",
                "partitionCount: eventHubPartitionCount",
                "retentionTimeInHours: eventHubRetentionInHours",
                "endpointType: 'EventHub'",
                "resourceId: eventHub.id",
                "destination: useEventHub ? null : {");
        assertThat(roleAssignment("systemTopicSends"))
                .contains("roleDefinitionId: eventHubsDataSender", "principalId: systemTopic.identity.principalId", "scope: eventHub\n");
        assertThat(roleAssignment("routerReceives"))
                .contains("roleDefinitionId: eventHubsDataReceiver", "principalId: routerPrincipalId", "scope: eventHub\n");
        assertThat(block(bicep, "deliveryWithResourceIdentity: useEventHub ? {")).contains("type: 'SystemAssigned'");
        assertThat(block(bicep, "resource consumerGroup ")).contains("parent: eventHub\n", "name: eventHubConsumerGroup");
        assertThat(block(bicep, "resource eventSubscription ")).contains("systemTopicSends");

        assertThat(script).contains(
                "eventHubsDataSender=" + sender,
                "eventHubsDataReceiver=" + receiver,
                "--partition-count \"$eventHubPartitionCount\"",
                "--retention-time-in-hours \"$eventHubRetentionInHours\"",
                "--eventhub-name \"$eventHubName\" -n \"$eventHubConsumerGroup\"",
                "--sku \"$eventHubNamespaceSku\"",
                "system-topic update -g \"$resourceGroup\" -n \"$systemTopicName\" --identity systemassigned",
                "--assignee-object-id \"$topicPrincipalId\" --assignee-principal-type ServicePrincipal \\\n    --role \"$eventHubsDataSender\" --scope \"$eventHubId\"",
                "--assignee-object-id \"$routerPrincipalId\" --assignee-principal-type ServicePrincipal \\\n      --role \"$eventHubsDataReceiver\" --scope \"$eventHubId\"",
                "--delivery-identity systemassigned --delivery-identity-endpoint-type eventhub --delivery-identity-endpoint \"$eventHubId\"");
    }

    private static String roleAssignment(String symbol) {
        return block(bicep, "resource " + symbol + " 'Microsoft.Authorization/roleAssignments@2022-04-01'");
    }

    /** From the line that starts with {@code head} to the first line that closes it ("}" at its indentation). */
    private static String block(String text, String head) {
        int start = text.indexOf(head);
        assertThat(start).as("'%s' in main.bicep", head).isNotNegative();
        int lineStart = text.lastIndexOf('\n', start) + 1;
        String indent = text.substring(lineStart, start);
        int end = text.indexOf("\n" + indent + "}", start);
        return text.substring(start, end < 0 ? text.length() : end);
    }

    // ---- parsing -------------------------------------------------------------------------------

    private static final Pattern BICEP_PARAM = Pattern.compile("^param (\\w+) (\\w+)(?: = (.*))?$");

    private static Map<String, BicepParam> parseBicep(String text) {
        Map<String, BicepParam> params = new LinkedHashMap<>();
        List<String> decorators = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("@")) {
                StringBuilder decorator = new StringBuilder(line);
                while (!balanced(decorator.toString()) && i + 1 < lines.length) {
                    decorator.append('\n').append(lines[++i].strip());
                }
                decorators.add(decorator.toString());
                continue;
            }
            Matcher m = BICEP_PARAM.matcher(line);
            if (m.matches()) {
                StringBuilder value = m.group(3) == null ? null : new StringBuilder(m.group(3));
                while (value != null && !balanced(value.toString()) && i + 1 < lines.length) {
                    value.append('\n').append(lines[++i].strip());
                }
                params.put(m.group(1), new BicepParam(m.group(1), m.group(2),
                        value == null ? null : value.toString(), List.copyOf(decorators)));
            }
            if (!line.isEmpty()) {
                decorators.clear();
            }
        }
        return params;
    }

    private static boolean balanced(String s) {
        return s.chars().filter(c -> c == '[' || c == '(').count() == s.chars().filter(c -> c == ']' || c == ')').count();
    }

    private static Map<String, String> parseScript(String text) {
        int start = text.indexOf("# --- parameters");
        int end = text.indexOf("# --- end parameters");
        assertThat(start).as("parameter block of the script").isNotNegative().isLessThan(end);
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(\\w+)=(\"?)(.*)\\2$").matcher(text.substring(start, end));
        while (m.find()) {
            params.put(m.group(1), m.group(3));
        }
        return params;
    }

    private static Map<String, DocRow> parseDocTable(String text) {
        String section = text.substring(text.indexOf("## Parameters"));
        section = section.substring(0, section.indexOf("\n## ", 1));
        Map<String, DocRow> rows = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `(\\w+)` \\| (.*?) \\| .* \\|$").matcher(section);
        while (m.find()) {
            rows.put(m.group(1), new DocRow(m.group(1), m.group(2)));
        }
        return rows;
    }

    /** Script default, taking the {@code : "${name:=...}"} fallback for defaults built from other parameters. */
    private static String scriptDefault(String name) {
        Matcher fallback = Pattern.compile(": \"\\$\\{" + name + ":=(.*)}\"").matcher(script);
        return fallback.find() ? normalise(fallback.group(1)) : scriptParams.get(name);
    }

    /** {@code 'x'} -> x, and a reference to another parameter ({@code ${p}} in both languages) -> {@code <p>}. */
    private static String normalise(String value) {
        return value.replaceAll("^'(.*)'$", "$1").replaceAll("\\$\\{(\\w+)}", "<$1>");
    }

    private static List<String> bicepList(String literal) {
        List<String> items = new ArrayList<>();
        Matcher m = Pattern.compile("'([^']*)'").matcher(literal);
        while (m.find()) {
            items.add(m.group(1));
        }
        return items;
    }

    private static List<String> allowed(String name) {
        return bicepList(decorator(bicepParams.get(name), "allowed"));
    }

    private static String decorator(BicepParam p, String name) {
        for (String d : p.decorators()) {
            if (d.startsWith("@" + name + "(")) {
                return d.substring(name.length() + 2, d.length() - 1);
            }
        }
        return null;
    }

    private static List<String> withScriptOnly(java.util.Set<String> names) {
        List<String> all = new ArrayList<>(names);
        all.add(SCRIPT_ONLY);
        return all;
    }
}
