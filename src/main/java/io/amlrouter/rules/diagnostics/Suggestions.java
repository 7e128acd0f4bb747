package io.amlrouter.rules.diagnostics;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean …?" for misspelt keys and operator names. A suggestion is offered only when it is close: same name in
 * another case, a prefix of the other name (a truncated {@code subjectBegin}), or a small edit distance.
 */
public final class Suggestions {

    private Suggestions() {
    }

    public static Optional<String> closest(String input, List<String> candidates) {
        String typed = input.toLowerCase(Locale.ROOT);
        String best = null;
        int bestScore = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int score = score(typed, candidate.toLowerCase(Locale.ROOT));
            if (score < bestScore) {
                best = candidate;
                bestScore = score;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Lower is closer; {@link Integer#MAX_VALUE} means not close enough to suggest. */
    private static int score(String typed, String candidate) {
        String shorter = typed.length() <= candidate.length() ? typed : candidate;
        String longer = shorter == typed ? candidate : typed;
        boolean truncated = shorter.length() >= 3 && longer.startsWith(shorter)
                && shorter.length() * 5 >= longer.length() * 3;
        if (truncated) {
            // One starts with the other: their edit distance is the difference in length.
            return longer.length() - shorter.length();
        }
        int allowed = Math.max(2, candidate.length() / 4);
        if (Math.abs(typed.length() - candidate.length()) > allowed) {
            // The distance is at least the difference in length: too far, and no need to spend O(n*m) to learn it.
            return Integer.MAX_VALUE;
        }
        int distance = distance(typed, candidate);
        return distance <= allowed ? distance : Integer.MAX_VALUE;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
