package io.amlrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * What every {@link OutcomeLedger} promises, run against each implementation with the same
 * assertions ({@link InMemoryLedgerTest}, {@link RedisLedgerTest}).
 */
abstract class OutcomeLedgerContract {

    static final Duration LEASE = Duration.ofMinutes(2);
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A fresh, empty ledger. */
    abstract OutcomeLedger ledger(int maxEvents, Duration retention);

    /**
     * {@code n} clients of one fresh, empty store, as several replicas (Redis: separate connections and
     * owners) or several threads of one replica (memory) see it.
     */
    abstract List<OutcomeLedger> clients(int n);

    /** The time the ledger under test reads: the records and instants the tests make are taken from it. */
    abstract Instant now();

    /**
     * Lets {@code d} pass for the ledger under test: a test clock moves on at once; a store that expires its keys
     * itself in real time (Redis) is waited for.
     */
    abstract void pass(Duration d) throws InterruptedException;

    /** A little more than nothing: added to a lease or a retention to be past it (Redis expires by the millisecond). */
    static final Duration JUST = Duration.ofMillis(50);

    OutcomeLedger ledger() {
        return ledger(1000, Duration.ofHours(25));
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    static <T> T await(io.smallrye.mutiny.Uni<T> uni) {
        return uni.await().atMost(TIMEOUT);
    }

    EventRecord seen(String id, String outcome, String... rules) {
        Instant now = now();
        return new EventRecord(id, "Microsoft.MachineLearningServices.RunStatusChanged", "experiments/x/runs/1",
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w", now, now,
                1, List.of(rules), outcome, "{\"id\":\"" + id + "\",\"data\":{\"runStatus\":\"Failed\"}}");
    }

    @Test
    void aFirstClaimIsGrantedAndHoldsTheActionForItsLease() {
        OutcomeLedger ledger = ledger();
        ActionKey key = new ActionKey(id(), "mail-failed-runs", 0);
        Instant before = now();
        Claim first = await(ledger.claim(key, "email", LEASE));
        assertThat(first).isInstanceOf(Claim.Granted.class);
        ActionRecord r = first.record();
        assertThat(r.key()).isEqualTo(key);
        assertThat(r.kind()).isEqualTo("email");
        assertThat(r.state()).isEqualTo(ActionState.CLAIMED);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.owner()).isNotBlank();
        assertThat(r.leaseUntil()).isBetween(before.plus(LEASE).minusSeconds(1), now().plus(LEASE).plusSeconds(1));

        Claim second = await(ledger.claim(key, "email", LEASE));
        assertThat(second).isInstanceOf(Claim.HeldElsewhere.class);
        assertThat(second.record().owner()).isEqualTo(r.owner());
        assertThat(second.record().state()).isEqualTo(ActionState.CLAIMED);
        assertThat(await(ledger.action(key))).get().extracting(ActionRecord::attempts).isEqualTo(1);
    }

    @Test
    void aSucceededActionIsNeverGrantedAgain() {
        OutcomeLedger ledger = ledger();
        ActionKey key = new ActionKey(id(), "rule-a", 1);
        await(ledger.claim(key, "email", LEASE));
        await(ledger.succeeded(key, "<abc@router>", "sent to 2 recipient(s)"));

        Claim again = await(ledger.claim(key, "email", LEASE));
        assertThat(again).isInstanceOf(Claim.AlreadyDone.class);
        ActionRecord r = again.record();
        assertThat(r.state()).isEqualTo(ActionState.SUCCEEDED);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.externalId()).isEqualTo("<abc@router>");
        assertThat(r.detail()).isEqualTo("sent to 2 recipient(s)");
        assertThat(r.owner()).isNull();
        assertThat(r.leaseUntil()).isNull();
        assertThat(r.updatedAt()).isAfterOrEqualTo(r.firstAttemptAt());
    }

    @Test
    void aPermanentFailureIsFinalAndKeepsItsReason() {
        OutcomeLedger ledger = ledger();
        ActionKey key = new ActionKey(id(), "rule-a", 0);
        await(ledger.claim(key, "email", LEASE));
        await(ledger.failedPermanently(key, "SMTP refused the mail (550)"));

        Claim again = await(ledger.claim(key, "email", LEASE));
        assertThat(again).isInstanceOf(Claim.AlreadyDone.class);
        assertThat(again.record().state()).isEqualTo(ActionState.FAILED);
        assertThat(again.record().lastError()).isEqualTo("SMTP refused the mail (550)");
    }

    @Test
    void aTransientFailureLeavesTheActionOwedWithItsReason() {
        OutcomeLedger ledger = ledger();
        ActionKey key = new ActionKey(id(), "rule-a", 0);
        await(ledger.claim(key, "email", LEASE));
        await(ledger.failedTransiently(key, "SMTP replied 451"));
        assertThat(await(ledger.action(key))).get().satisfies(r -> {
            assertThat(r.state()).isEqualTo(ActionState.PENDING);
            assertThat(r.lastError()).isEqualTo("SMTP replied 451");
            assertThat(r.owner()).isNull();
        });

        Claim again = await(ledger.claim(key, "email", LEASE));
        assertThat(again).isInstanceOf(Claim.Granted.class);
        assertThat(again.record().attempts()).isEqualTo(2);
        assertThat(again.record().lastError()).isEqualTo("SMTP replied 451");
        await(ledger.succeeded(key, null, "sent"));
        assertThat(await(ledger.action(key))).get().satisfies(r -> {
            assertThat(r.state()).isEqualTo(ActionState.SUCCEEDED);
            assertThat(r.attempts()).isEqualTo(2);
        });
    }

    @Test
    void aClaimWhoseLeaseLapsedCanBeTakenAgain() throws InterruptedException {
        OutcomeLedger ledger = ledger();
        ActionKey key = new ActionKey(id(), "rule-a", 0);
        Duration lease = Duration.ofMillis(300);
        assertThat(await(ledger.claim(key, "email", lease))).isInstanceOf(Claim.Granted.class);
        assertThat(await(ledger.claim(key, "email", LEASE))).isInstanceOf(Claim.HeldElsewhere.class);
        pass(lease.plus(JUST));
        Claim retaken = await(ledger.claim(key, "email", LEASE));
        assertThat(retaken).isInstanceOf(Claim.Granted.class);
        assertThat(retaken.record().attempts()).isEqualTo(2);
    }

    @Test
    void aLateOutcomeNeverChangesAFinalState() {
        OutcomeLedger ledger = ledger();
        ActionKey key = new ActionKey(id(), "rule-a", 0);
        await(ledger.claim(key, "email", LEASE));
        await(ledger.succeeded(key, "x", "sent"));
        await(ledger.failedTransiently(key, "a lapsed claim's timeout"));
        await(ledger.failedPermanently(key, "a lapsed claim's refusal"));
        assertThat(await(ledger.action(key))).get().satisfies(r -> {
            assertThat(r.state()).isEqualTo(ActionState.SUCCEEDED);
            assertThat(r.lastError()).isNull();
            assertThat(r.externalId()).isEqualTo("x");
        });
        // The same final state may be recorded again with more detail (a deployment watch's outcome).
        await(ledger.succeeded(key, "x", "deployment Succeeded; outcome published"));
        assertThat(await(ledger.action(key))).get().satisfies(r -> {
            assertThat(r.state()).isEqualTo(ActionState.SUCCEEDED);
            assertThat(r.detail()).isEqualTo("deployment Succeeded; outcome published");
            assertThat(r.attempts()).isEqualTo(1);
        });
    }

    @Test
    void concurrentClaimsOfOneActionGrantItExactlyOnce() throws Exception {
        int clients = 4;
        int threadsPerClient = 3;
        int actions = 40;
        List<OutcomeLedger> ledgers = clients(clients);
        String eventId = id();
        ExecutorService pool = Executors.newFixedThreadPool(clients * threadsPerClient);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Claim>>> results = new ArrayList<>();
            for (int c = 0; c < clients * threadsPerClient; c++) {
                OutcomeLedger ledger = ledgers.get(c % clients);
                Callable<List<Claim>> claimer = () -> {
                    start.await();
                    List<Claim> claims = new ArrayList<>();
                    for (int a = 0; a < actions; a++) {
                        claims.add(await(ledger.claim(new ActionKey(eventId, "rule-a", a), "email", LEASE)));
                    }
                    return claims;
                };
                results.add(pool.submit(claimer));
            }
            start.countDown();
            int[] granted = new int[actions];
            for (Future<List<Claim>> f : results) {
                List<Claim> claims = f.get(60, TimeUnit.SECONDS);
                for (int a = 0; a < actions; a++) {
                    if (claims.get(a) instanceof Claim.Granted) {
                        granted[a]++;
                    } else {
                        assertThat(claims.get(a)).isInstanceOf(Claim.HeldElsewhere.class);
                    }
                }
            }
            for (int a = 0; a < actions; a++) {
                assertThat(granted[a]).as("grants of action %d", a).isEqualTo(1);
                assertThat(await(ledgers.get(0).action(new ActionKey(eventId, "rule-a", a)))).get()
                        .extracting(ActionRecord::attempts).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anEventIsRecordedWithItsDeliveriesRulesAndRawJson() throws InterruptedException {
        OutcomeLedger ledger = ledger();
        String id = id();
        await(ledger.eventSeen(seen(id, "routed", "mail-failed-runs")));
        EventHistory first = await(ledger.event(id)).orElseThrow();
        pass(Duration.ofMillis(5));
        await(ledger.eventSeen(seen(id, "routed", "mail-failed-runs", "mail-drift")));
        EventHistory h = await(ledger.event(id)).orElseThrow();

        EventRecord e = h.event();
        assertThat(e.id()).isEqualTo(id);
        assertThat(e.type()).isEqualTo("Microsoft.MachineLearningServices.RunStatusChanged");
        assertThat(e.subject()).isEqualTo("experiments/x/runs/1");
        assertThat(e.topic()).endsWith("/workspaces/w");
        assertThat(e.deliveries()).isEqualTo(2);
        assertThat(e.firstReceivedAt()).isEqualTo(first.event().firstReceivedAt());
        assertThat(e.lastReceivedAt()).isAfter(e.firstReceivedAt());
        assertThat(e.matchedRules()).containsExactly("mail-failed-runs", "mail-drift");
        assertThat(e.outcome()).isEqualTo("routed");
        assertThat(e.raw()).isEqualTo("{\"id\":\"" + id + "\",\"data\":{\"runStatus\":\"Failed\"}}");
        assertThat(h.actions()).isEmpty();
    }

    @Test
    void anEventListsItsActionsInRuleAndIndexOrder() {
        OutcomeLedger ledger = ledger();
        String id = id();
        await(ledger.eventSeen(seen(id, "routed", "b-rule", "a-rule")));
        for (ActionKey key : List.of(new ActionKey(id, "b-rule", 0), new ActionKey(id, "a-rule", 1),
                new ActionKey(id, "a-rule", 0))) {
            await(ledger.claim(key, "email", LEASE));
        }
        await(ledger.succeeded(new ActionKey(id, "a-rule", 0), null, "sent"));
        assertThat(await(ledger.event(id)).orElseThrow().actions())
                .extracting(a -> a.key().rule() + "/" + a.key().actionIndex() + "=" + a.state())
                .containsExactly("a-rule/0=SUCCEEDED", "a-rule/1=CLAIMED", "b-rule/0=CLAIMED");
    }

    @Test
    void unknownEventsAndActionsAreEmpty() {
        OutcomeLedger ledger = ledger();
        assertThat(await(ledger.event(id()))).isEmpty();
        assertThat(await(ledger.action(new ActionKey(id(), "r", 0)))).isEmpty();
        assertThat(await(ledger.reopenFailed(id()))).isZero();
    }

    @Test
    void recentListsTheNewestFirstUpToTheLimitAndTheCap() throws InterruptedException {
        OutcomeLedger ledger = ledger(3, Duration.ofHours(25));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = id();
            ids.add(id);
            await(ledger.eventSeen(seen(id, "no-rule-matched")));
            pass(Duration.ofMillis(3));
        }
        assertThat(await(ledger.recent(10))).extracting(h -> h.event().id())
                .containsExactly(ids.get(4), ids.get(3), ids.get(2));
        assertThat(await(ledger.recent(2))).extracting(h -> h.event().id()).containsExactly(ids.get(4), ids.get(3));
        assertThat(await(ledger.size())).isEqualTo(3L);
    }

    @Test
    void aRedeliveryDoesNotMoveAnEventInRecent() throws InterruptedException {
        OutcomeLedger ledger = ledger();
        String older = id();
        String newer = id();
        await(ledger.eventSeen(seen(older, "routed")));
        pass(Duration.ofMillis(3));
        await(ledger.eventSeen(seen(newer, "routed")));
        pass(Duration.ofMillis(3));
        await(ledger.eventSeen(seen(older, "routed")));
        assertThat(await(ledger.recent(2))).extracting(h -> h.event().id()).containsExactly(newer, older);
        assertThat(await(ledger.size())).isEqualTo(2L);
    }

    @Test
    void entriesAreForgottenAfterTheRetention() throws InterruptedException {
        Duration retention = Duration.ofMillis(400);
        OutcomeLedger ledger = ledger(1000, retention);
        String id = id();
        await(ledger.eventSeen(seen(id, "routed", "r")));
        ActionKey key = new ActionKey(id, "r", 0);
        await(ledger.claim(key, "email", Duration.ofMillis(100)));
        await(ledger.succeeded(key, null, "sent"));
        assertThat(await(ledger.event(id))).isPresent();
        pass(retention.plus(JUST));
        assertThat(await(ledger.event(id))).isEmpty();
        assertThat(await(ledger.action(key))).isEmpty();
        assertThat(await(ledger.recent(10))).isEmpty();
        assertThat(await(ledger.claim(key, "email", LEASE))).isInstanceOf(Claim.Granted.class);
    }

    @Test
    void reopenMakesOnlyThePermanentlyFailedActionsOwedAgain() {
        OutcomeLedger ledger = ledger();
        String id = id();
        ActionKey failed = new ActionKey(id, "r", 0);
        ActionKey done = new ActionKey(id, "r", 1);
        await(ledger.claim(failed, "email", LEASE));
        await(ledger.failedPermanently(failed, "550 unknown user"));
        await(ledger.claim(done, "email", LEASE));
        await(ledger.succeeded(done, null, "sent"));

        assertThat(await(ledger.reopenFailed(id))).isEqualTo(1);
        assertThat(await(ledger.action(failed))).get().satisfies(r -> {
            assertThat(r.state()).isEqualTo(ActionState.PENDING);
            assertThat(r.detail()).isEqualTo("reopened for replay");
            assertThat(r.lastError()).isEqualTo("550 unknown user");
        });
        assertThat(await(ledger.claim(failed, "email", LEASE))).asInstanceOf(type(Claim.Granted.class))
                .extracting(g -> g.record().attempts()).isEqualTo(2);
        assertThat(await(ledger.claim(done, "email", LEASE))).isInstanceOf(Claim.AlreadyDone.class);
        assertThat(await(ledger.reopenFailed(id))).isZero();
    }

    @Test
    void openWatchesAreKeptReplacedAndClosedOldestFirst() {
        OutcomeLedger ledger = ledger(1000, Duration.ofMillis(300));
        Instant now = now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        ActionKey older = new ActionKey(id(), "deploy-approved-models", 0);
        ActionKey newer = new ActionKey(id(), "deploy-approved-models", 0);
        Watch first = new Watch(older, "amlOnlineDeployment", "https://management.azure.com/op/1",
                java.util.Map.of("deployment", "fraud-v1"), now.minusSeconds(60), now.plusSeconds(3600));
        Watch second = new Watch(newer, "amlOnlineDeployment", "https://management.azure.com/op/2", java.util.Map.of(),
                now.minusSeconds(10), now.plusSeconds(3600));
        await(ledger.saveWatch(second));
        await(ledger.saveWatch(first));
        assertThat(await(ledger.openWatches())).containsExactly(first, second);

        Watch progressed = first.withAttributes(java.util.Map.of("deployment", "fraud-v1", "status", "Succeeded"));
        await(ledger.saveWatch(progressed));
        assertThat(await(ledger.openWatches())).containsExactly(progressed, second);

        await(ledger.closeWatch(older));
        await(ledger.closeWatch(new ActionKey(id(), "unknown", 3)));
        assertThat(await(ledger.openWatches())).containsExactly(second);
    }

    @Test
    void aWatchOutlivesTheRetentionOfTheHistory() throws InterruptedException {
        Duration retention = Duration.ofMillis(300);
        OutcomeLedger ledger = ledger(1000, retention);
        Instant now = now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Watch watch = new Watch(new ActionKey(id(), "r", 0), "amlOnlineDeployment", "https://op", java.util.Map.of(),
                now, now.plusSeconds(3600));
        await(ledger.saveWatch(watch));
        pass(retention.plus(JUST));
        assertThat(await(ledger.openWatches())).containsExactly(watch);
    }

    // Digest groups.

    static final Duration WAIT = Duration.ofHours(1);
    static final Duration INTERVAL = Duration.ofHours(2);

    static DigestGroup group(String key) {
        return DigestGroup.of("mail-failed-steps", 0, key, WAIT, INTERVAL);
    }

    GroupEntry entry(String eventId) {
        return new GroupEntry(new ActionKey(eventId, "mail-failed-steps", 0), "{\"id\":\"" + eventId + "\"}",
                now());
    }

    Instant in(Duration d) {
        return now().plus(d);
    }

    @Test
    void groupedEventsWaitForTheirGroupAndGoOutAsOneBatch() {
        OutcomeLedger ledger = ledger();
        DigestGroup g = group("fraud-" + id());
        List<String> events = List.of(id(), id(), id());
        for (String e : events) {
            assertThat(await(ledger.groupAdd(g, entry(e), 100))).isEqualTo(g);
        }
        assertThat(await(ledger.groupedEvents())).isEqualTo(3);
        assertThat(await(ledger.dueGroups(now(), 10))).isEmpty();
        assertThat(await(ledger.takeGroup(g.id(), LEASE, now()))).isEmpty();
        assertThat(await(ledger.dueGroups(in(WAIT.plusSeconds(5)), 10))).containsExactly(g.id());

        GroupBatch batch = await(ledger.takeGroup(g.id(), LEASE, in(WAIT.plusSeconds(5)))).orElseThrow();
        assertThat(batch.group()).isEqualTo(g);
        assertThat(batch.seq()).isEqualTo(1);
        assertThat(batch.count()).isEqualTo(3);
        assertThat(batch.entries()).map(e -> e.key().eventId()).containsExactlyElementsOf(events);
        assertThat(batch.entries().get(0).raw()).isEqualTo("{\"id\":\"" + events.get(0) + "\"}");
        assertThat(batch.digestKey()).isEqualTo(new ActionKey("digest-" + g.id() + "-1", "mail-failed-steps", 0));

        await(ledger.groupSent(g.id(), 1));
        assertThat(await(ledger.groupedEvents())).isZero();
        assertThat(await(ledger.dueGroups(in(Duration.ofDays(2)), 10))).isEmpty();
        assertThat(await(ledger.takeGroup(g.id(), LEASE, in(Duration.ofDays(2))))).isEmpty();
    }

    @Test
    void aRedeliveredEventIsNeverInAGroupTwiceNorInTwoGroups() {
        OutcomeLedger ledger = ledger();
        DigestGroup first = group("a-" + id());
        DigestGroup second = group("b-" + id());
        String event = id();
        assertThat(await(ledger.groupAdd(first, entry(event), 100))).isEqualTo(first);
        assertThat(await(ledger.groupAdd(first, entry(event), 100))).isEqualTo(first);
        assertThat(await(ledger.groupAdd(second, entry(event), 100))).as("the key renders otherwise now")
                .isEqualTo(first);
        assertThat(await(ledger.groupedEvents())).isEqualTo(1);
        assertThat(await(ledger.dueGroups(in(Duration.ofDays(2)), 10))).containsExactly(first.id());
        assertThat(await(ledger.takeGroup(first.id(), LEASE, in(Duration.ofDays(2)))).orElseThrow().count()).isEqualTo(1);
    }

    @Test
    void aBatchStaysTheSameUntilSentAndLaterEventsWaitForTheIntervalAfterIt() {
        OutcomeLedger ledger = ledger();
        DigestGroup g = group("k-" + id());
        String one = id();
        String two = id();
        await(ledger.groupAdd(g, entry(one), 100));
        Instant due = in(WAIT.plusSeconds(5));
        GroupBatch batch = await(ledger.takeGroup(g.id(), LEASE, due)).orElseThrow();
        await(ledger.groupAdd(g, entry(two), 100));
        assertThat(await(ledger.takeGroup(g.id(), LEASE, due))).as("leased").isEmpty();
        assertThat(await(ledger.groupedEvents())).isEqualTo(2);

        await(ledger.groupRetry(g.id(), batch.seq(), Duration.ZERO));
        GroupBatch again = await(ledger.takeGroup(g.id(), LEASE, now().plusSeconds(1))).orElseThrow();
        assertThat(again.seq()).isEqualTo(batch.seq());
        assertThat(again.entries()).map(e -> e.key().eventId()).containsExactly(one);

        await(ledger.groupSent(g.id(), again.seq()));
        await(ledger.groupSent(g.id(), again.seq()));
        assertThat(await(ledger.groupedEvents())).isEqualTo(1);
        assertThat(await(ledger.dueGroups(in(WAIT.plusSeconds(5)), 10))).as("not before the interval").isEmpty();
        assertThat(await(ledger.dueGroups(in(INTERVAL.plusSeconds(5)), 10))).containsExactly(g.id());
        GroupBatch next = await(ledger.takeGroup(g.id(), LEASE, in(INTERVAL.plusSeconds(5)))).orElseThrow();
        assertThat(next.seq()).isEqualTo(2);
        assertThat(next.entries()).map(e -> e.key().eventId()).containsExactly(two);
    }

    @Test
    void aBatchIsListedUpToTheLimitAndCountedInFull() {
        OutcomeLedger ledger = ledger();
        DigestGroup g = group("many-" + id());
        for (int i = 0; i < 5; i++) {
            await(ledger.groupAdd(g, entry(id()), 2));
        }
        GroupBatch batch = await(ledger.takeGroup(g.id(), LEASE, in(WAIT.plusSeconds(5)))).orElseThrow();
        assertThat(batch.entries()).hasSize(2);
        assertThat(batch.count()).isEqualTo(5);
    }

    @Test
    void aLapsedGroupLeaseLetsAnotherReplicaTakeTheSameBatch() throws InterruptedException {
        List<OutcomeLedger> replicas = clients(2);
        DigestGroup g = group("lease-" + id());
        await(replicas.get(0).groupAdd(g, entry(id()), 100));
        Instant due = in(WAIT.plusSeconds(5));
        Duration lease = Duration.ofMillis(300);
        GroupBatch taken = await(replicas.get(0).takeGroup(g.id(), lease, due)).orElseThrow();
        assertThat(await(replicas.get(1).takeGroup(g.id(), LEASE, due))).isEmpty();
        pass(lease.plus(JUST));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        java.util.Optional<GroupBatch> retaken = java.util.Optional.empty();
        while (retaken.isEmpty() && System.nanoTime() < deadline) {
            retaken = await(replicas.get(1).takeGroup(g.id(), LEASE, due));
        }
        assertThat(retaken).get().extracting(GroupBatch::seq).isEqualTo(taken.seq());
    }

    @Test
    void aGroupedActionIsFinal() {
        OutcomeLedger ledger = ledger();
        ActionKey key = new ActionKey(id(), "mail-failed-steps", 0);
        await(ledger.claim(key, "email", LEASE));
        await(ledger.grouped(key, "g1", "grouped into digest \"x\""));
        ActionRecord r = await(ledger.action(key)).orElseThrow();
        assertThat(r.state()).isEqualTo(ActionState.GROUPED);
        assertThat(r.externalId()).isEqualTo("g1");
        assertThat(r.detail()).isEqualTo("grouped into digest \"x\"");
        assertThat(await(ledger.claim(key, "email", LEASE))).isInstanceOf(Claim.AlreadyDone.class);
        await(ledger.failedTransiently(key, "late"));
        assertThat(await(ledger.action(key)).orElseThrow().state()).isEqualTo(ActionState.GROUPED);
    }

    // Rate limits and silences (issue 17).

    static final Duration DAY = Duration.ofHours(24);

    @Test
    void aRateLimitAdmitsAtMostMaxPerSlidingWindowAndDecidesEachActionOnce() {
        OutcomeLedger ledger = ledger();
        String bucket = "retrain-on-drift/0/" + id();
        Instant t0 = now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        ActionKey first = new ActionKey(id(), "retrain-on-drift", 0);
        ActionKey second = new ActionKey(id(), "retrain-on-drift", 0);
        ActionKey third = new ActionKey(id(), "retrain-on-drift", 0);

        assertThat(await(ledger.admit(first, bucket, 1, DAY, t0))).isEqualTo(new LimitDecision(true, 1));
        assertThat(await(ledger.admit(second, bucket, 1, DAY, t0.plusSeconds(60)))).isEqualTo(new LimitDecision(false, 1));
        // Asked again (a redelivery, another replica): the same answer, and not counted twice.
        assertThat(await(ledger.admit(first, bucket, 1, DAY, t0.plusSeconds(120))).admitted()).isTrue();
        assertThat(await(ledger.admit(second, bucket, 1, DAY, t0.plusSeconds(120))).admitted()).isFalse();
        // The window slides: a run at t0 no longer counts at t0 + 24 h + 1 ms.
        assertThat(await(ledger.admit(third, bucket, 1, DAY, t0.plus(DAY).plusMillis(1))))
                .isEqualTo(new LimitDecision(true, 1));
        // A decision is kept longer than the window: the limited one stays limited, the admitted one admitted.
        assertThat(await(ledger.admit(second, bucket, 1, DAY, t0.plus(DAY).plusSeconds(1))).admitted()).isFalse();
        assertThat(await(ledger.admit(first, bucket, 1, DAY, t0.plus(DAY).plusSeconds(1))).admitted()).isTrue();
        // Another key (bucket) has its own window.
        assertThat(await(ledger.admit(second, bucket + "-other", 1, DAY, t0.plusSeconds(60))).admitted()).isTrue();
    }

    @Test
    void aRateLimitHoldsUnderConcurrentClaimsFromSeveralClients() throws Exception {
        List<OutcomeLedger> clients = clients(4);
        String bucket = "r/0/" + id();
        Instant now = now();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<LimitDecision>> answers = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                OutcomeLedger client = clients.get(i % clients.size());
                ActionKey key = new ActionKey(id(), "r", 0);
                answers.add(pool.submit(() -> {
                    start.await();
                    return await(client.admit(key, bucket, 3, DAY, now));
                }));
            }
            start.countDown();
            int admitted = 0;
            for (Future<LimitDecision> f : answers) {
                admitted += f.get(20, TimeUnit.SECONDS).admitted() ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLimitedActionIsFinalAndShownWithItsReason() {
        OutcomeLedger ledger = ledger();
        String id = id();
        ActionKey key = new ActionKey(id, "retrain-on-drift", 0);
        await(ledger.eventSeen(seen(id, "routed", "retrain-on-drift")));
        assertThat(await(ledger.claim(key, "amlJob", LEASE))).isInstanceOf(Claim.Granted.class);
        await(ledger.limited(key, "over its limit of 1 per 1d for key \"m\""));
        await(ledger.failedTransiently(key, "late"));
        Claim again = await(ledger.claim(key, "amlJob", LEASE));
        assertThat(again).isInstanceOf(Claim.AlreadyDone.class);
        ActionRecord r = again.record();
        assertThat(r.state()).isEqualTo(ActionState.LIMITED);
        assertThat(r.state().isFinal()).isTrue();
        assertThat(r.detail()).isEqualTo("over its limit of 1 per 1d for key \"m\"");
        assertThat(r.lastError()).isNull();
        assertThat(await(ledger.event(id))).get().satisfies(h -> assertThat(h.actions())
                .extracting(ActionRecord::state).containsExactly(ActionState.LIMITED));
        assertThat(await(ledger.reopenFailed(id))).isZero();
    }

    @Test
    void aSilencedEventKeepsTheIdsOfItsSilences() {
        OutcomeLedger ledger = ledger();
        String id = id();
        EventRecord e = seen(id, "silenced", "mail-failed-runs");
        await(ledger.eventSeen(new EventRecord(e.id(), e.type(), e.subject(), e.topic(), e.firstReceivedAt(),
                e.lastReceivedAt(), 1, e.matchedRules(), "silenced", e.raw(), List.of("maintenance", "5f0c"))));
        EventRecord stored = await(ledger.event(id)).orElseThrow().event();
        assertThat(stored.outcome()).isEqualTo("silenced");
        assertThat(stored.silencedBy()).containsExactly("maintenance", "5f0c");
        String plain = id();
        await(ledger.eventSeen(seen(plain, "routed", "mail-failed-runs")));
        assertThat(await(ledger.event(plain)).orElseThrow().event().silencedBy()).isEmpty();
    }

    static SilenceRecord silence(String id, Instant starts, Instant ends) {
        return new SilenceRecord(id, "{\"subjectBeginsWith\":\"experiments/etl/\"}", starts, ends, "maintenance",
                "ops@contoso.com", starts);
    }

    @Test
    void silencesAreStoredListedAndExpired() {
        List<OutcomeLedger> replicas = clients(2);
        Instant now = now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        SilenceRecord active = silence(id(), now.minusSeconds(60), now.plusSeconds(3600));
        SilenceRecord pending = silence(id(), now.plusSeconds(3600), now.plusSeconds(7200));
        await(replicas.get(0).saveSilence(active));
        await(replicas.get(0).saveSilence(pending));
        // Shared: the other client sees them.
        assertThat(await(replicas.get(1).silences())).containsExactlyInAnyOrder(active, pending);

        Instant at = now.plusSeconds(5);
        SilenceRecord ended = await(replicas.get(1).expireSilence(active.id(), at)).orElseThrow();
        assertThat(ended.endsAt()).isEqualTo(at);
        assertThat(ended.startsAt()).isEqualTo(active.startsAt());
        SilenceRecord endedBeforeItStarted = await(replicas.get(1).expireSilence(pending.id(), at)).orElseThrow();
        assertThat(endedBeforeItStarted.startsAt()).isEqualTo(at);
        assertThat(endedBeforeItStarted.endsAt()).isEqualTo(at);
        assertThat(await(replicas.get(0).silences())).containsExactlyInAnyOrder(ended, endedBeforeItStarted);
        assertThat(await(replicas.get(0).expireSilence("unknown", at))).isEmpty();
    }

    @Test
    void aSilenceEndedLongerThanTheRetentionAgoIsForgotten() {
        OutcomeLedger ledger = ledger(1000, Duration.ofHours(1));
        Instant now = now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        SilenceRecord old = silence(id(), now.minusSeconds(3 * 3600), now.minusSeconds(3600 + 60));
        SilenceRecord recent = silence(id(), now.minusSeconds(3 * 3600), now.minusSeconds(60));
        await(ledger.saveSilence(old));
        await(ledger.saveSilence(recent));
        assertThat(await(ledger.silences())).containsExactly(recent);
    }

    /**
     * An event for the search tests: ids that sort in the order they are made (a store may order events seen in the
     * same millisecond by id), with a run id, models and an explanation.
     */
    EventRecord searchable(String id, String type, String subject, String runId, List<String> models,
            String outcome, String... rules) {
        Instant now = now();
        List<RuleVerdict> explanation = new ArrayList<>();
        for (String rule : rules) {
            explanation.add(RuleVerdict.match(rule));
        }
        explanation.add(RuleVerdict.mismatch("mail-drift", "includedEventTypes", null));
        explanation.add(RuleVerdict.mismatch("mail-failed-runs", "advancedFilters[0]",
                "data.runStatus is \"Running\", which is not one of [Failed, Canceled] (StringIn compares case-insensitively)"));
        return new EventRecord(id, type, subject, "/subscriptions/s/resourceGroups/rg/providers/"
                + "Microsoft.MachineLearningServices/workspaces/w", now, now, 1, List.of(rules), outcome,
                "{\"id\":\"" + id + "\"}", "sha256:0123456789abcdef", runId, models, explanation);
    }

    static List<String> ids(HistoryPage page) {
        return page.events().stream().map(h -> h.event().id()).toList();
    }

    @Test
    void anEventKeepsItsRulesVersionSearchFieldsAndExplanationAcrossRedeliveries() {
        OutcomeLedger ledger = ledger();
        EventRecord e = searchable(id(), "Microsoft.MachineLearningServices.RunStatusChanged", "experiments/x/runs/r1",
                "r1", List.of(), "no-rule-matched");
        await(ledger.eventSeen(e));
        assertThat(await(ledger.eventSeen(e))).isEqualTo(2L);
        EventRecord stored = await(ledger.event(e.id())).orElseThrow().event();
        assertThat(stored.deliveries()).isEqualTo(2);
        assertThat(stored.rulesVersion()).isEqualTo("sha256:0123456789abcdef");
        assertThat(stored.runId()).isEqualTo("r1");
        assertThat(stored.models()).isEmpty();
        assertThat(stored.explanation()).isEqualTo(e.explanation());
        assertThat(await(ledger.recent(1)).get(0).event().explanation()).isEqualTo(e.explanation());
    }

    @Test
    void theSearchFiltersByEachFieldNewestFirst() {
        OutcomeLedger ledger = ledger();
        String p = id() + "-";
        String run = "Microsoft.MachineLearningServices.RunStatusChanged";
        EventRecord a = searchable(p + "1", run, "experiments/x/runs/r1", "r1", List.of(), "routed", "mail-failed-runs");
        EventRecord b = searchable(p + "2", run, "experiments/y/runs/r2", "r2", List.of(), "no-rule-matched");
        EventRecord c = searchable(p + "3", "Microsoft.MachineLearningServices.ModelRegistered", "models/fraud-gbm:14",
                null, List.of("fraud-gbm"), "routed", "announce-approved-models");
        EventRecord d = searchable(p + "4", "Microsoft.MachineLearningServices.ModelDeployed", "endpoints/scorer",
                null, List.of("fraud-gbm", "fraud-calibrator"), "workspace-not-allowed");
        for (EventRecord e : List.of(a, b, c, d)) {
            await(ledger.eventSeen(e));
        }
        HistoryQuery all = HistoryQuery.newest(10);
        assertThat(ids(await(ledger.search(all)))).containsExactly(d.id(), c.id(), b.id(), a.id());
        assertThat(ids(await(ledger.search(all.withType(run))))).containsExactly(b.id(), a.id());
        assertThat(ids(await(ledger.search(all.withType("modelregistered"))))).containsExactly(c.id());
        assertThat(ids(await(ledger.search(all.withType("Registered"))))).isEmpty();
        assertThat(ids(await(ledger.search(all.withSubjectPrefix("EXPERIMENTS/X/"))))).containsExactly(a.id());
        assertThat(ids(await(ledger.search(all.withRunId("r2"))))).containsExactly(b.id());
        assertThat(ids(await(ledger.search(all.withModel("fraud-gbm"))))).containsExactly(d.id(), c.id());
        assertThat(ids(await(ledger.search(all.withModel("fraud-calibrator"))))).containsExactly(d.id());
        assertThat(ids(await(ledger.search(all.withRule("mail-failed-runs"))))).containsExactly(a.id());
        assertThat(ids(await(ledger.search(all.withOutcome(HistoryQuery.Outcome.MATCHED))))).containsExactly(c.id(),
                a.id());
        assertThat(ids(await(ledger.search(all.withOutcome(HistoryQuery.Outcome.UNMATCHED))))).containsExactly(b.id());
        assertThat(ids(await(ledger.search(all.withOutcome(HistoryQuery.Outcome.NOT_ALLOWED))))).containsExactly(d.id());
        assertThat(ids(await(ledger.search(all.withType(run).withRunId("r1").withRule("mail-failed-runs")))))
                .containsExactly(a.id());
        HistoryPage page = await(ledger.search(all.withRunId("r2")));
        assertThat(page.next()).isNull();
        assertThat(page.events().get(0).event().explanation()).isEqualTo(b.explanation());
        assertThat(page.events().get(0).event().raw()).isEqualTo(b.raw());
    }

    @Test
    void theSearchFiltersByWhatBecameOfTheActions() {
        OutcomeLedger ledger = ledger();
        String p = id() + "-";
        String run = "Microsoft.MachineLearningServices.RunStatusChanged";
        List<String> ids = List.of(p + "1", p + "2", p + "3", p + "4");
        for (String id : ids) {
            await(ledger.eventSeen(searchable(id, run, "experiments/x/runs/" + id, id, List.of(), "routed", "r")));
            await(ledger.claim(new ActionKey(id, "r", 0), "email", LEASE));
        }
        await(ledger.failedPermanently(new ActionKey(ids.get(0), "r", 0), "550 unknown user"));
        await(ledger.failedTransiently(new ActionKey(ids.get(1), "r", 0), "451 try later"));
        await(ledger.succeeded(new ActionKey(ids.get(2), "r", 0), "<m@router>", "sent"));
        // ids.get(3) is still running (claimed)
        HistoryQuery all = HistoryQuery.newest(10);
        assertThat(ids(await(ledger.search(all.withOutcome(HistoryQuery.Outcome.DEAD_LETTER)))))
                .containsExactly(ids.get(0));
        assertThat(ids(await(ledger.search(all.withOutcome(HistoryQuery.Outcome.FAILED)))))
                .containsExactly(ids.get(1), ids.get(0));
        assertThat(ids(await(ledger.search(all.withOutcome(HistoryQuery.Outcome.PENDING)))))
                .containsExactly(ids.get(3), ids.get(1));
        ActionRecord dead = await(ledger.search(all.withOutcome(HistoryQuery.Outcome.DEAD_LETTER))).events().get(0)
                .actions().get(0);
        assertThat(dead.state()).isEqualTo(ActionState.FAILED);
        assertThat(dead.lastError()).isEqualTo("550 unknown user");
        assertThat(dead.attempts()).isEqualTo(1);
    }

    @Test
    void theSearchPagesWithACursorAndStopsAtItsScanLimit() {
        OutcomeLedger ledger = ledger();
        String p = id() + "-";
        String run = "Microsoft.MachineLearningServices.RunStatusChanged";
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String id = p + i;
            made.add(id);
            await(ledger.eventSeen(searchable(id, run, "experiments/x/runs/" + i, i == 0 ? "old" : "r", List.of(),
                    "no-rule-matched")));
        }
        HistoryQuery byRun = HistoryQuery.newest(3).withRunId("r");
        HistoryPage first = await(ledger.search(byRun));
        assertThat(ids(first)).containsExactly(made.get(6), made.get(5), made.get(4));
        assertThat(first.next()).isNotNull();
        HistoryQuery.Cursor cursor = HistoryQuery.Cursor.parse(first.next().token());
        HistoryPage second = await(ledger.search(byRun.withBefore(cursor)));
        assertThat(ids(second)).containsExactly(made.get(3), made.get(2), made.get(1));
        HistoryPage third = await(ledger.search(byRun.withBefore(second.next())));
        assertThat(ids(third)).isEmpty();
        assertThat(third.next()).isNull();

        // At most scanLimit events read per page: a rare match is reached page by page, never skipped.
        HistoryQuery rare = HistoryQuery.newest(5).withRunId("old").withScanLimit(5);
        HistoryPage scan1 = await(ledger.search(rare));
        assertThat(ids(scan1)).isEmpty();
        assertThat(scan1.scanned()).isEqualTo(5);
        assertThat(scan1.next()).isNotNull();
        HistoryPage scan2 = await(ledger.search(rare.withBefore(scan1.next())));
        assertThat(ids(scan2)).containsExactly(made.get(0));
        assertThat(scan2.next()).isNull();
    }

    @Test
    void theSearchKeepsToTheTimeRange() throws InterruptedException {
        OutcomeLedger ledger = ledger();
        String p = id() + "-";
        String run = "Microsoft.MachineLearningServices.RunStatusChanged";
        await(ledger.eventSeen(searchable(p + "1", run, "s", "r", List.of(), "no-rule-matched")));
        pass(Duration.ofMillis(20));
        Instant between = now();
        pass(Duration.ofMillis(20));
        await(ledger.eventSeen(searchable(p + "2", run, "s", "r", List.of(), "no-rule-matched")));
        HistoryQuery all = HistoryQuery.newest(10);
        assertThat(ids(await(ledger.search(all.withRange(between, null))))).containsExactly(p + "2");
        assertThat(ids(await(ledger.search(all.withRange(null, between))))).containsExactly(p + "1");
        assertThat(ids(await(ledger.search(all.withRange(between.minusSeconds(60), between.plusSeconds(60))))))
                .containsExactly(p + "2", p + "1");
    }
}
