package io.amlrouter.rules.template;

import java.lang.reflect.Array;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.qute.Expression;
import io.quarkus.qute.LoopSectionHelper;
import io.quarkus.qute.ResultNode;
import io.quarkus.qute.Scope;
import io.quarkus.qute.SectionHelper;
import io.quarkus.qute.SectionHelperFactory;
import io.quarkus.qute.TemplateException;

/**
 * Qute's {@code {#for}}/{@code {#each}}, with a bound on the work one render may do. Qute loops over a number as over
 * {@code 1..n} and allocates the results up front, so {@code {#for i in 2000000000}{/for}} or a loop over a large
 * number from the event's data threw {@link OutOfMemoryError}, and nested loops over event values multiply. Here a loop
 * refuses a number (templates loop over lists and maps of the event), and every loop entered charges its element count
 * to a per-render {@link Budget} ({@link #BUDGET_ATTRIBUTE}, set by {@link CompiledTemplate#render}); past it the render
 * fails with a {@link TemplateException}, which becomes a {@link RenderException}.
 */
final class BoundedLoops implements SectionHelperFactory<SectionHelper> {

    /** Template instance attribute holding the render's {@link Budget}. */
    static final String BUDGET_ATTRIBUTE = "io.amlrouter.rules.template.loopBudget";

    /**
     * Loop iterations one render may do in total, nested ones included. A mail listing a run's tags or properties
     * needs tens; at about 2 µs an iteration, 1,000 keeps the worst render around 2 ms.
     */
    static final long MAX_ITERATIONS = 1_000;

    private final LoopSectionHelper.Factory loops = new LoopSectionHelper.Factory();

    @Override
    public List<String> getDefaultAliases() {
        return loops.getDefaultAliases();
    }

    @Override
    public ParametersInfo getParameters() {
        return loops.getParameters();
    }

    @Override
    public List<String> getBlockLabels() {
        return loops.getBlockLabels();
    }

    @Override
    public boolean cacheFactoryConfig() {
        return loops.cacheFactoryConfig();
    }

    @Override
    public boolean treatUnknownSectionsAsBlocks() {
        return loops.treatUnknownSectionsAsBlocks();
    }

    @Override
    public MissingEndTagStrategy missingEndTagStrategy() {
        return loops.missingEndTagStrategy();
    }

    @Override
    public Scope initializeBlock(Scope previousScope, BlockInfo block) {
        return loops.initializeBlock(previousScope, block);
    }

    @Override
    public SectionHelper initialize(SectionInitContext context) {
        SectionHelper loop = loops.initialize(context);
        Expression iterable = context.getExpression("iterable");
        String shown = "{#for ... in " + iterable.toOriginalString() + "}: ";
        return resolution -> {
            Budget budget = (Budget) resolution.resolutionContext().getAttribute(BUDGET_ATTRIBUTE);
            if (budget != null && budget.failure != null) {
                return budget.failure;
            }
            return resolution.evaluate(iterable).thenCompose(value -> {
                if (value instanceof Number) {
                    return fail(budget, shown + "loops go over lists and maps, not over the number " + value);
                }
                if (budget != null && (budget.remaining -= size(value)) < 0) {
                    return fail(budget, shown + "loops would run more than " + MAX_ITERATIONS + " times");
                }
                return loop.resolve(resolution);
            });
        };
    }

    /**
     * The render's loop budget. Rendering runs on one thread (every value resolver completes at once). After the first
     * failure every loop still to be entered fails with the same exception, so a render that ran out stops cheaply
     * instead of building one exception per remaining loop entry.
     */
    static final class Budget {
        private long remaining = MAX_ITERATIONS;
        private CompletableFuture<ResultNode> failure;
    }

    private static CompletableFuture<ResultNode> fail(Budget budget, String message) {
        CompletableFuture<ResultNode> failure = CompletableFuture.failedFuture(new TemplateException(message));
        if (budget != null) {
            budget.failure = failure;
        }
        return failure;
    }

    /** What a loop over {@code value} costs: its element count, 1 for anything else (Qute rejects those). */
    private static long size(Object value) {
        if (value instanceof Collection<?> c) {
            return c.size();
        }
        if (value instanceof Map<?, ?> m) {
            return m.size();
        }
        if (value instanceof JsonNode n) {
            return n.size();
        }
        if (value != null && value.getClass().isArray()) {
            return Array.getLength(value);
        }
        return 1;
    }
}
