package io.amlrouter.support;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one) inside the test JVM, from the
 * {@code org.apache.kafka:kafka_2.13} jars (the version of the Quarkus BOM's kafka-clients), on free
 * loopback ports with its data in a temporary directory. No Docker. A plaintext listener
 * ({@link #bootstrap()}) and, with {@link #startWithOAuth}, a second one speaking SASL_SSL + OAUTHBEARER
 * ({@link #oauthBootstrap()}) whose validator is Kafka's unsecured one (an unsigned JWT with {@code sub},
 * {@code exp} and the required {@code scope}): what Event Hubs' Kafka endpoint asks of a client, short of
 * checking Entra's signature.
 * <p>
 * {@link #main} starts one for a person (the README's tour, the benchmark):
 * {@code java -cp <test classpath> io.amlrouter.support.KafkaBroker [topic] [partitions]} prints its bootstrap
 * servers and runs until stopped.
 */
public final class KafkaBroker implements AutoCloseable {

    /** The broker's own loggers, kept at WARN (its INFO lines would bury the test's output); held, not collected. */
    private static final List<java.util.logging.Logger> QUIET = Stream.of("kafka", "org.apache.kafka", "state.change.logger")
            .map(java.util.logging.Logger::getLogger).toList();

    static {
        QUIET.forEach(l -> l.setLevel(java.util.logging.Level.WARNING));
    }

    private final Path dir;
    private final int port;
    private final int oauthPort;
    private final KafkaRaftServer server;
    private final Admin admin;

    private KafkaBroker(Path dir, int port, int oauthPort, KafkaRaftServer server) {
        this.dir = dir;
        this.port = port;
        this.oauthPort = oauthPort;
        this.server = server;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    /** Starts a plaintext broker. */
    public static KafkaBroker start() {
        return start(null);
    }

    /**
     * Starts a broker with, beside the plaintext listener, a SASL_SSL listener accepting OAUTHBEARER tokens
     * that carry {@code requiredScope}, with the TLS key pair of this PKCS12 key store.
     */
    public static KafkaBroker startWithOAuth(Path keyStore, String password, String requiredScope) {
        return start(new OAuth(keyStore, password, requiredScope));
    }

    private record OAuth(Path keyStore, String password, String scope) {
    }

    private static KafkaBroker start(OAuth oauth) {
        try {
            Path dir = Files.createTempDirectory("kafka-broker");
            int port = RedisServer.freePort();
            int controller = RedisServer.freePort();
            int oauthPort = oauth == null ? -1 : RedisServer.freePort();
            Properties p = new Properties();
            p.put("process.roles", "broker,controller");
            p.put("node.id", "1");
            p.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
            String listeners = "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller;
            String advertised = "PLAINTEXT://127.0.0.1:" + port;
            String protocols = "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT";
            if (oauth != null) {
                listeners += ",OAUTH://127.0.0.1:" + oauthPort;
                advertised += ",OAUTH://127.0.0.1:" + oauthPort;
                protocols += ",OAUTH:SASL_SSL";
                p.put("listener.name.oauth.sasl.enabled.mechanisms", "OAUTHBEARER");
                p.put("listener.name.oauth.oauthbearer.sasl.jaas.config",
                        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
                                // The broker's own (unused) login on this listener, then the validator's options.
                                + "unsecuredLoginStringClaim_sub=\"broker\" "
                                + "unsecuredValidatorRequiredScope=\"" + oauth.scope() + "\";");
                p.put("listener.name.oauth.ssl.keystore.location", oauth.keyStore().toString());
                p.put("listener.name.oauth.ssl.keystore.password", oauth.password());
                p.put("listener.name.oauth.ssl.key.password", oauth.password());
                p.put("listener.name.oauth.ssl.keystore.type", "PKCS12");
            }
            p.put("listeners", listeners);
            p.put("advertised.listeners", advertised);
            p.put("controller.listener.names", "CONTROLLER");
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("listener.security.protocol.map", protocols);
            p.put("log.dirs", dir.toString());
            p.put("num.partitions", "1");
            p.put("offsets.topic.replication.factor", "1");
            p.put("offsets.topic.num.partitions", "1");
            p.put("transaction.state.log.replication.factor", "1");
            p.put("transaction.state.log.min.isr", "1");
            p.put("share.coordinator.state.topic.replication.factor", "1");
            p.put("share.coordinator.state.topic.min.isr", "1");
            p.put("group.initial.rebalance.delay.ms", "0");
            // A replica killed without leaving the group is noticed within seconds (the client's session).
            p.put("group.consumer.min.session.timeout.ms", "2000");
            p.put("group.min.session.timeout.ms", "2000");
            p.put("auto.create.topics.enable", "true");
            KafkaConfig config = new KafkaConfig(p);
            new Formatter().setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES).setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1).setDirectories(List.of(dir.toString())).setMetadataLogDirectory(dir.toString())
                    .setControllerListenerName("CONTROLLER").setReleaseVersion(MetadataVersion.LATEST_PRODUCTION).run();
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            KafkaBroker broker = new KafkaBroker(dir, port, oauthPort, server);
            broker.awaitReady();
            return broker;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Kafka broker", e);
        }
    }

    private void awaitReady() throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("the Kafka broker did not become ready", e);
                }
                Thread.sleep(100);
            }
        }
    }

    /** The plaintext listener, {@code 127.0.0.1:port}. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** The SASL_SSL + OAUTHBEARER listener (only with {@link #startWithOAuth}). */
    public String oauthBootstrap() {
        if (oauthPort < 0) {
            throw new IllegalStateException("this broker has no OAUTHBEARER listener");
        }
        return "127.0.0.1:" + oauthPort;
    }

    /** Creates a topic (no error if it exists). */
    public void createTopic(String topic, int partitions) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(e);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A record to produce: partition (or null), key, value, headers (UTF-8 text). */
    public record Record(Integer partition, String key, byte[] value, Map<String, String> headers) {

        public static Record of(Integer partition, String key, String value) {
            return new Record(partition, key, value.getBytes(StandardCharsets.UTF_8), Map.of());
        }

        public Record withHeaders(Map<String, String> h) {
            return new Record(partition, key, value, h);
        }
    }

    /** Produces the records, in order, and waits until every one is written. */
    public void send(String topic, List<Record> records) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(c, new StringSerializer(),
                new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>(records.size());
            for (Record r : records) {
                RecordHeaders headers = new RecordHeaders();
                r.headers().forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
                sent.add(producer.send(new ProducerRecord<>(topic, r.partition(), r.key(), r.value(), headers)));
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + topic, e);
        }
    }

    /** Every record of the topic now (read from the start by a consumer of no group). */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** The offsets the group committed, per partition of the topic (absent: none committed). */
    public Map<Integer, Long> committed(String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<Integer, Long> out = new HashMap<>();
            offsets.forEach((tp, om) -> {
                if (tp.topic().equals(topic) && om != null) {
                    out.put(tp.partition(), om.offset());
                }
            });
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The end offset of each partition of the topic. */
    public Map<Integer, Long> endOffsets(String topic, int partitions) {
        try {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int i = 0; i < partitions; i++) {
                request.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            Map<Integer, Long> out = new HashMap<>();
            admin.listOffsets(request).all().get(10, TimeUnit.SECONDS)
                    .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        server.shutdown();
        server.awaitShutdown();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a broker for a person: prints the bootstrap servers, creates the topic, runs until stopped. */
    public static void main(String[] args) throws InterruptedException {
        String topic = args.length > 0 ? args[0] : "aml-events";
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        KafkaBroker broker = start();
        broker.createTopic(topic, partitions);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        System.out.println("Kafka broker ready: INGEST_EVENTHUBS_BOOTSTRAP_SERVERS=" + broker.bootstrap() + " topic "
                + topic + " (" + partitions + " partitions); Ctrl-C stops it");
        Thread.currentThread().join();
    }
}
