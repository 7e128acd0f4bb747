package io.amlrouter.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The webhook's answer written directly is what Jackson writes for the same states. */
class EventStateTest {

    final ObjectMapper mapper = new ObjectMapper();

    @Test
    void theAnswerIsWhatJacksonWritesForTheStates() throws Exception {
        List<EventState> states = List.of(
                new EventState("e-1", "Microsoft.MachineLearningServices.RunCompleted", EventState.DONE, null),
                new EventState("e-\"2\"\n", "Microsoft.MachineLearningServices.RunStatusChanged", EventState.FAILED,
                        "action \"mail\" failed: 421 \u00e9t\u00e9 \u2603 \\ </script>"),
                new EventState("e-3", null, EventState.PENDING, "still being processed at the deadline"));
        String direct = new String(EventState.answer(states), StandardCharsets.UTF_8);
        assertEquals(mapper.writeValueAsString(Map.of("events", states)), direct);
        assertEquals(mapper.readTree(mapper.writeValueAsString(Map.of("events", states))), mapper.readTree(direct));
    }

    @Test
    void noStatesIsAnEmptyList() throws Exception {
        assertEquals("{\"events\":[]}", new String(EventState.answer(List.of()), StandardCharsets.UTF_8));
    }
}
