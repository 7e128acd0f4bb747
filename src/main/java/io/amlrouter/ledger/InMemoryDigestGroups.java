package io.amlrouter.ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The digest groups of {@link InMemoryLedger}: the same rules as the Redis scripts ({@link RedisScripts#GROUP_ADD},
 * ...), for one replica. Lost on restart: a crash loses the digests not sent yet (docs/reliability.md).
 * Every method holds the lock of this object; the work is small (a group's bookkeeping, no I/O).
 */
final class InMemoryDigestGroups {

    private static final class Group {
        final DigestGroup spec;
        final List<GroupEntry> pending = new ArrayList<>();
        int pendingCount;
        Instant firstAt;
        List<GroupEntry> batch = List.of();
        int batchCount;
        long seq;
        boolean batchOpen;
        Instant lastSent;
        Instant due;
        String leaseOwner;
        Instant leaseUntil;

        Group(DigestGroup spec) {
            this.spec = spec;
        }
    }

    /** Which group holds each grouped action, and until when this is remembered. */
    private record Member(DigestGroup group, Instant until) {
    }

    private final Map<String, Group> groups = new HashMap<>();
    private final Map<ActionKey, Member> members = new HashMap<>();
    private final Duration retention;
    private final Clock clock;
    private final String owner;

    InMemoryDigestGroups(Duration retention, Clock clock, String owner) {
        this.retention = retention;
        this.clock = clock;
        this.owner = owner;
    }

    synchronized DigestGroup add(DigestGroup wanted, GroupEntry entry, int maxListed) {
        Instant now = clock.instant();
        Member member = members.get(entry.key());
        if (member != null && member.until().isAfter(now)) {
            return member.group();
        }
        members.put(entry.key(), new Member(wanted, now.plus(retention)));
        Group g = groups.computeIfAbsent(wanted.id(), id -> new Group(wanted));
        if (g.pending.size() < maxListed) {
            g.pending.add(entry);
        }
        g.pendingCount++;
        if (g.firstAt == null) {
            g.firstAt = now;
            if (!g.batchOpen) {
                g.due = later(now.plus(g.spec.groupWait()), g.lastSent == null ? null : g.lastSent.plus(g.spec.interval()));
            }
        }
        return g.spec;
    }

    synchronized List<String> due(Instant by, int limit) {
        Instant now = clock.instant();
        members.values().removeIf(m -> !m.until().isAfter(now));
        for (Iterator<Group> it = groups.values().iterator(); it.hasNext();) {
            Group g = it.next();
            if (g.due == null && g.pendingCount == 0 && !g.batchOpen
                    && (g.lastSent == null || !g.lastSent.plus(g.spec.interval()).isAfter(now))) {
                it.remove();
            }
        }
        return groups.values().stream().filter(g -> g.due != null && !g.due.isAfter(by))
                .sorted(Comparator.comparing((Group g) -> g.due)).limit(limit).map(g -> g.spec.id()).toList();
    }

    synchronized Optional<GroupBatch> take(String groupId, Duration lease, Instant by) {
        Instant now = clock.instant();
        Group g = groups.get(groupId);
        if (g == null || g.due == null || g.due.isAfter(by) || (g.leaseUntil != null && g.leaseUntil.isAfter(now))) {
            return Optional.empty();
        }
        if (!g.batchOpen) {
            if (g.pendingCount == 0) {
                g.due = null;
                return Optional.empty();
            }
            g.seq++;
            g.batch = List.copyOf(g.pending);
            g.batchCount = g.pendingCount;
            g.pending.clear();
            g.pendingCount = 0;
            g.firstAt = null;
            g.batchOpen = true;
        }
        g.leaseOwner = owner;
        g.leaseUntil = now.plus(lease);
        g.due = g.leaseUntil;
        return Optional.of(new GroupBatch(g.spec, g.seq, g.batch, g.batchCount));
    }

    synchronized void sent(String groupId, long seq) {
        Instant now = clock.instant();
        Group g = groups.get(groupId);
        if (g == null || !g.batchOpen || g.seq != seq) {
            return;
        }
        g.batchOpen = false;
        g.batch = List.of();
        g.batchCount = 0;
        g.leaseOwner = null;
        g.leaseUntil = null;
        g.lastSent = now;
        g.due = g.pendingCount == 0 ? null : later(g.firstAt.plus(g.spec.groupWait()), now.plus(g.spec.interval()));
    }

    synchronized void retry(String groupId, long seq, Duration after) {
        Group g = groups.get(groupId);
        if (g == null || !g.batchOpen || g.seq != seq || !owner.equals(g.leaseOwner)) {
            return;
        }
        g.leaseOwner = null;
        g.leaseUntil = null;
        g.due = clock.instant().plus(after);
    }

    synchronized long events() {
        return groups.values().stream().mapToLong(g -> g.pendingCount + (g.batchOpen ? g.batchCount : 0)).sum();
    }

    private static Instant later(Instant a, Instant b) {
        return b == null || a.isAfter(b) ? a : b;
    }
}
