package io.amlrouter.actions.azureml;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

class TrafficSplitTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0} + new:{1}% -> {2}")
    @CsvSource(delimiter = '|', value = {
            "{\"blue\":100}                  | 100 | {\"blue\":0,\"new\":100}",
            "{\"blue\":100}                  | 10  | {\"blue\":90,\"new\":10}",
            "{\"blue\":90,\"green\":10}      | 50  | {\"blue\":45,\"green\":5,\"new\":50}",
            "{\"a\":34,\"b\":33,\"c\":33}    | 1   | {\"a\":33,\"b\":33,\"c\":33,\"new\":1}",
            "{\"a\":50,\"b\":50}             | 25  | {\"a\":38,\"b\":37,\"new\":25}",
            "{\"blue\":0}                    | 20  | {\"blue\":0,\"new\":100}",
            "{}                              | 0   | {\"new\":0}",
            "{\"new\":30,\"blue\":70}        | 60  | {\"blue\":40,\"new\":60}",
    })
    void sharesTheRestInProportionAndAlwaysSumsTo100OrNothing(String current, int percent, String expected)
            throws Exception {
        var split = TrafficSplit.split(JSON.readTree(current), "new", percent);
        assertThat(split).isEqualTo(JSON.readTree(expected));
        int total = 0;
        for (var v : split) {
            total += v.asInt();
        }
        assertThat(total).isIn(0, 100);
    }
}
