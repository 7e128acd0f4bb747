import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka side of the Event Hubs benchmark (bench/run.sh) and of the README's local-broker tour
 * (bench/kafka-local.sh), with the service's own kafka-clients jar. Three commands, every one bounded:
 * <pre>
 *   produce  BOOTSTRAP TOPIC FILE...               each file (an Event Grid event: object or array) as one record,
 *                                                  as Event Grid writes them into an event hub; prints each id
 *   backlog  BOOTSTRAP TOPIC N PARTITIONS BODIES_FILE PREFIX
 *                                                  creates TOPIC with PARTITIONS, then writes N records, one event
 *                                                  each, taken in rotation from the lines of bench/load/Bodies'
 *                                                  bodies-1.txt, ids PREFIX-i (all distinct), keyed by id
 *   drain    BOOTSTRAP TOPIC GROUP PID TIMEOUT_S   waits until GROUP has committed every record of TOPIC; prints
 *                                                  "DRAIN ..." with the time from its start to the first commit
 *                                                  and to the last, and the CPU time process PID used meanwhile
 * </pre>
 */
public final class KafkaLoad {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "produce" -> produce(args[1], args[2], List.of(args).subList(3, args.length));
            case "backlog" -> backlog(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), Path.of(args[5]), args[6]);
            case "drain" -> drain(args[1], args[2], args[3], Long.parseLong(args[4]), Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("produce | backlog | drain");
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static void produce(String bootstrap, String topic, List<String> files) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (String file : files) {
                byte[] value = Files.readAllBytes(Path.of(file));
                var meta = producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
                String id = new String(value, StandardCharsets.UTF_8).replaceAll("(?s).*?\"id\"\\s*:\\s*\"([^\"]*)\".*", "$1");
                System.out.printf("produced %s (event %s) to %s partition %d offset %d%n", file, id, topic,
                        meta.partition(), meta.offset());
            }
        }
    }

    /** One event object per record, from the one-event arrays of bodies-1.txt, with ids PREFIX-i. */
    private static void backlog(String bootstrap, String topic, int n, int partitions, Path bodies, String prefix) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        List<String> templates = new ArrayList<>();
        for (String line : Files.readAllLines(bodies, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (t.startsWith("[") && t.endsWith("]")) {
                templates.add(t.substring(1, t.length() - 1).replace("\"@ID@-0\"", "\"@ID@\""));
            }
        }
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("no one-event bodies in " + bodies);
        }
        long t0 = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            List<Future<?>> window = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = prefix + "-" + i;
                byte[] value = templates.get(i % templates.size()).replace("@ID@", id).getBytes(StandardCharsets.UTF_8);
                window.add(producer.send(new ProducerRecord<>(topic, id, value)));
                if (window.size() == 10_000) {
                    for (Future<?> f : window) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                    window.clear();
                }
            }
            producer.flush();
            for (Future<?> f : window) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
        System.out.printf("BACKLOG events=%d produce_ms=%d%n", n, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void drain(String bootstrap, String topic, String group, long pid, int timeoutSeconds) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            long total = 0;
            for (var e : admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values()) {
                total += e.offset();
            }
            long t0 = System.nanoTime(), cpu0 = cpuTicks(pid), first = -1, cpuFirst = -1;
            long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            long done = 0;
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                done = committed.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                        .mapToLong(e -> e.getValue().offset()).sum();
                long now = System.nanoTime();
                if (done > 0 && first < 0) {
                    first = now;
                    cpuFirst = cpuTicks(pid);
                }
                if (done >= total) {
                    long cpu = cpuTicks(pid);
                    double hz = 100.0; // USER_HZ: clock ticks of /proc/PID/stat (100 on Linux)
                    System.out.printf("DRAIN events=%d to_first_commit_ms=%d to_all_ms=%d after_first_ms=%d cpu_s=%.2f cpu_after_first_s=%.2f%n",
                            total, (first - t0) / 1_000_000, (now - t0) / 1_000_000, (now - first) / 1_000_000,
                            (cpu - cpu0) / hz, (cpu - cpuFirst) / hz);
                    return;
                }
                Thread.sleep(200);
            }
            System.out.printf("DRAIN events=%d committed=%d timeout_s=%d%n", total, done, timeoutSeconds);
            System.exit(1);
        }
    }

    /** utime + stime of the process, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
