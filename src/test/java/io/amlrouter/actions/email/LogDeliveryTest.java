package io.amlrouter.actions.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.amlrouter.deadletter.DeadLetterLog;
import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.InMemoryLedger;
import io.amlrouter.observability.Tracing;
import io.amlrouter.routing.ActionHandOff;
import io.amlrouter.routing.ActionMetrics;
import io.amlrouter.routing.ActionResult;
import io.amlrouter.routing.ActionTask;
import io.amlrouter.rules.Rule;
import io.amlrouter.rules.action.ActionContext;
import io.amlrouter.rules.action.RenderedEmail;
import io.amlrouter.rules.load.LoadResult;
import io.amlrouter.rules.load.RuleSetLoader;
import io.amlrouter.support.EventFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The embedded default: with no SMTP server configured, the sample rules' mail for the sample failed run
 * is written to the log (who, subject, text part), startup says so loudly, and nothing reaches a mailer.
 */
class LogDeliveryTest {

    final List<LogRecord> records = new ArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    final Logger logger = Logger.getLogger(EmailProcessor.class.getName());

    @BeforeEach
    void capture() {
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
    }

    @Test
    void withoutSmtpTheRenderedMailIsWrittenToTheLog() throws Exception {
        ReactiveMailer mailer = mails -> {
            throw new AssertionError("log mode must not send");
        };
        EmailConfig config = new EmailConfig() {
            @Override
            public Optional<Delivery> delivery() {
                return Optional.empty();
            }

            @Override
            public Duration sendTimeout() {
                return Duration.ofSeconds(15);
            }

            @Override
            public int maxConnections() {
                return 10;
            }

            @Override
            public Duration queueWait() {
                return Duration.ofSeconds(5);
            }

            @Override
            public int maxQueued() {
                return 100;
            }
        };
        EmailProcessor processor = new EmailProcessor(new ActionHandOff(new InMemoryLedger(100, Duration.ofHours(25),
                Clock.systemUTC(), "test"), new DeadLetterLog(), new ActionMetrics(new SimpleMeterRegistry()),
                Tracing.off(), Duration.ofMinutes(2), Duration.ofSeconds(20), List.of()), mailer, config,
                new SmallRyeConfigBuilder().withDefaultValue("quarkus.mailer.host", "localhost").build(),
                new LeftOutRecipients(new SimpleMeterRegistry()));

        assertThat(processor.delivery()).isEqualTo(EmailConfig.Delivery.LOG);
        assertThat(records).anySatisfy(r -> {
            assertThat(r.getLevel()).isEqualTo(org.jboss.logmanager.Level.WARN);
            assertThat(message(r)).startsWith("EMAIL DELIVERY: LOG ONLY. No mail is sent")
                    .contains("quarkus.mailer.host (QUARKUS_MAILER_HOST) is not set");
        });

        ActionTask task = sampleFailedRunMail();
        ActionResult result = processor.execute(task, (RenderedEmail) task.action()).await().atMost(Duration.ofSeconds(5));

        String id = OutgoingMail.messageId(task.key(), OutgoingMail.FALLBACK_DOMAIN);
        assertThat(result).isEqualTo(ActionResult.succeeded(id, "written to the log, not sent "
                + "(quarkus.mailer.host (QUARKUS_MAILER_HOST) is not set)"));
        // One record per line of the mail (a record is always one line: docs/observability.md).
        int first = 0;
        for (int i = 0; i < records.size(); i++) {
            if (message(records.get(i)).startsWith("Mail NOT SENT")) {
                first = i;
            }
        }
        List<LogRecord> lines = records.subList(first, records.size());
        assertThat(lines).hasSizeGreaterThan(10).allSatisfy(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.INFO);
            assertThat(message(r)).doesNotContain("\n");
        });
        String mail = lines.stream().map(LogDeliveryTest::message).collect(java.util.stream.Collectors.joining("\n"));
        assertThat(mail).startsWith("""
                Mail NOT SENT (email delivery is log) for event 91d07e3a-6c4b-4f25-a8e9-3b1c5d7f0a64, rule mail-failed-runs, action 0
                  Message-ID: %s
                  To: mlops@contoso.com
                  Cc: mlops-oncall@contoso.com
                  Subject: Run AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7 Failed in fraud-automl-sweep

                RUN FAILED
                Run AutoML_3c8e1f47-5b2a-4d9c-8e6f-1a0b7c4d2e95_7 of experiment fraud-automl-sweep failed.
                """.formatted(id)).contains("Open the run in Azure ML studio:").doesNotContain("<td");
    }

    /** The mail the sample rules send for the sample failed run, rendered as the router renders it. */
    static ActionTask sampleFailedRunMail() throws Exception {
        byte[] sample;
        try (var in = LogDeliveryTest.class.getClassLoader().getResourceAsStream("rules/sample-rules.yaml")) {
            sample = in.readAllBytes();
        }
        LoadResult loaded = RuleSetLoader.withDefaults().load(new String(sample, StandardCharsets.UTF_8), "sample");
        Rule rule = ((LoadResult.Loaded) loaded).ruleSet().rules().stream()
                .filter(r -> r.name().equals("mail-failed-runs")).findFirst().orElseThrow();
        MlEvent event = EventFixtures.decode(EventFixtures.event("eventgrid/RunStatusChanged.json"));
        RenderedEmail email = (RenderedEmail) rule.actions().get(0)
                .render(new ActionContext(event, rule.name(), rule.description(), 0));
        return new ActionTask(new ActionKey(event.id(), rule.name(), 0), event, rule.name(), email);
    }

    private static String message(LogRecord r) {
        return r.getParameters() == null || r.getParameters().length == 0 ? r.getMessage()
                : String.format(r.getMessage(), r.getParameters());
    }
}
