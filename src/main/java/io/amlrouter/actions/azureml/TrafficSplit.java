package io.amlrouter.actions.azureml;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The endpoint traffic after a deployment succeeded with {@code trafficPercent}: the new deployment
 * gets its share, the other deployments that had traffic share the rest in their current proportions
 * (whole percents, largest remainders first), so the total stays 100. With no other deployment taking
 * traffic, the new one gets 100 (or 0 when 0 was asked: the endpoint then serves nothing).
 */
final class TrafficSplit {

    private TrafficSplit() {
    }

    static ObjectNode split(JsonNode current, String deployment, int percent) {
        Map<String, Integer> others = new LinkedHashMap<>();
        if (current != null && current.isObject()) {
            current.fields().forEachRemaining(e -> {
                if (!e.getKey().equalsIgnoreCase(deployment)) {
                    others.put(e.getKey(), Math.max(0, e.getValue().asInt(0)));
                }
            });
        }
        int othersTotal = others.values().stream().mapToInt(Integer::intValue).sum();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (othersTotal == 0) {
            others.keySet().forEach(k -> out.put(k, 0));
            out.put(deployment, percent == 0 ? 0 : 100);
            return out;
        }
        int rest = 100 - percent;
        Map<String, Integer> shares = new LinkedHashMap<>();
        List<Map.Entry<String, Double>> remainders = new ArrayList<>();
        int given = 0;
        for (Map.Entry<String, Integer> e : others.entrySet()) {
            double exact = (double) rest * e.getValue() / othersTotal;
            int floor = (int) Math.floor(exact);
            shares.put(e.getKey(), floor);
            given += floor;
            remainders.add(Map.entry(e.getKey(), exact - floor));
        }
        remainders.sort(Comparator.comparing(Map.Entry<String, Double>::getValue).reversed());
        for (int i = 0; given < rest && i < remainders.size(); i++, given++) {
            shares.merge(remainders.get(i).getKey(), 1, Integer::sum);
        }
        shares.forEach(out::put);
        out.put(deployment, percent);
        return out;
    }
}
