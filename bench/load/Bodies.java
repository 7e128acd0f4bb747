import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes the request-body templates of the ingest benchmark (bench/run.sh): for each payload size N, a file
 * {@code bodies-N.txt} with 5 lines, each a compact Event Grid array of N events taken in rotation from the
 * fixtures (line r starts at fixture r, so every event type leads some requests). Every event's id is
 * {@code @ID@-k} (k = its index in the array); the load generators replace {@code @ID@} with a prefix unique to
 * the request, so no two events of a run share an id and the service never de-duplicates.
 *
 *   java -cp <jackson jars>:<classes> Bodies OUTDIR N[,N...] FIXTURE.json...
 */
public final class Bodies {

    public static final String ID_MARK = "@ID@";

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        ObjectMapper mapper = new ObjectMapper();
        List<ObjectNode> fixtures = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            JsonNode root = mapper.readTree(Path.of(args[i]).toFile());
            for (JsonNode event : root.isArray() ? root : List.of(root)) {
                fixtures.add((ObjectNode) event);
            }
        }
        if (fixtures.isEmpty()) {
            throw new IllegalArgumentException("no fixture events");
        }
        Files.createDirectories(out);
        for (String n : args[1].split(",")) {
            int size = Integer.parseInt(n.trim());
            StringBuilder lines = new StringBuilder();
            for (int r = 0; r < fixtures.size(); r++) {
                ArrayNode array = mapper.createArrayNode();
                for (int k = 0; k < size; k++) {
                    ObjectNode event = fixtures.get((k + r) % fixtures.size()).deepCopy();
                    event.put("id", ID_MARK + "-" + k);
                    array.add(event);
                }
                lines.append(mapper.writeValueAsString(array)).append('\n');
            }
            Files.writeString(out.resolve("bodies-" + size + ".txt"), lines, StandardCharsets.UTF_8);
        }
    }
}
