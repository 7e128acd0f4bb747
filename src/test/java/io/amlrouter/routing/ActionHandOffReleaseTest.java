package io.amlrouter.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.amlrouter.deadletter.DeadLetterLog;
import io.amlrouter.events.MlEvent;
import io.amlrouter.ledger.ActionKey;
import io.amlrouter.ledger.ActionState;
import io.amlrouter.ledger.Claim;
import io.amlrouter.ledger.InMemoryLedger;
import io.amlrouter.observability.Tracing;
import io.amlrouter.rules.action.ActionKind;
import io.amlrouter.rules.action.RenderedEmail;
import io.amlrouter.support.EventFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * A claimed action whose hand-off fails is released at once by the hand-off that claimed it: the next
 * delivery (here, the next claim) gets it, instead of waiting for the claim's lease to lapse.
 */
class ActionHandOffReleaseTest {

    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final RenderedEmail MAIL = new RenderedEmail(List.of("team@contoso.com"), List.of(), List.of(),
            "subject", null, "text");

    private final InMemoryLedger ledger = new InMemoryLedger(100, Duration.ofHours(25), Clock.systemUTC(), "here");
    private final MlEvent event = EventFixtures.decode(EventFixtures.fresh("eventgrid/RunStatusChanged.json"));

    @Test
    void anExecutorThatThrowsLeavesTheActionClaimableAtOnce() {
        ActionHandOff handOff = handOff(List.of(new ActionExecutor<RenderedEmail>() {
            @Override
            public Class<RenderedEmail> handles() {
                return RenderedEmail.class;
            }

            @Override
            public Uni<ActionResult> execute(ActionTask task, RenderedEmail action) {
                throw new IllegalStateException("the mailer refused the task");
            }
        }));

        ActionTask task = claimed(handOff, "throws");
        assertThatThrownBy(() -> handOff.run(task).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(ActionPendingException.class).hasMessageContaining("the mailer refused the task");

        assertThat(claimAgain(task.key())).isInstanceOf(Claim.Granted.class);
        assertThat(handOff.running()).isZero();
    }

    @Test
    void anActionWithoutAnExecutorLeavesTheActionClaimableAtOnce() {
        ActionHandOff handOff = handOff(List.of());

        ActionTask task = claimed(handOff, "nobody");
        assertThatThrownBy(() -> handOff.run(task).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(ActionPendingException.class).hasMessageContaining("no executor for email");

        assertThat(ledger.action(task.key()).await().atMost(Duration.ofSeconds(5)).orElseThrow().state())
                .isEqualTo(ActionState.PENDING);
        assertThat(claimAgain(task.key())).isInstanceOf(Claim.Granted.class);
    }

    @Test
    void aRateLimitThatCannotBeDecidedIsReleasedAtOnce() {
        ActionHandOff handOff = handOff(List.of());

        ActionTask task = claimed(handOff, "limited");
        handOff.release(task.key(), "rate limit undecided: store down").await().atMost(Duration.ofSeconds(5));

        assertThat(claimAgain(task.key())).isInstanceOf(Claim.Granted.class);
    }

    private ActionHandOff handOff(List<ActionExecutor<?>> executors) {
        return new ActionHandOff(ledger, new DeadLetterLog(), new ActionMetrics(new SimpleMeterRegistry()),
                Tracing.off(), LEASE, Duration.ofSeconds(1), executors);
    }

    private ActionTask claimed(ActionHandOff handOff, String rule) {
        ActionTask task = new ActionTask(new ActionKey(event.id(), rule, 0), event, rule, MAIL);
        assertThat(handOff.claim(task.key(), ActionKind.EMAIL).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOf(Claim.Granted.class);
        return task;
    }

    /** Another replica (another owner, same ledger) asking for the claim. */
    private Claim claimAgain(ActionKey key) {
        return ledger.claim(key, "email", LEASE).await().atMost(Duration.ofSeconds(5));
    }
}
