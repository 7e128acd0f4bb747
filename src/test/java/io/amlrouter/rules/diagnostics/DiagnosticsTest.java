package io.amlrouter.rules.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DiagnosticsTest {

    @Test
    void violationPrintsPathColonMessage() {
        assertThat(new Violation("rules[2].filter.advancedFilters[0].operatorType", "unknown operator \"StringLike\""))
                .hasToString("rules[2].filter.advancedFilters[0].operatorType: unknown operator \"StringLike\"");
    }

    @Test
    void keepsErrorsAndWarningsApartInInsertionOrder() {
        Diagnostics diagnostics = new Diagnostics();
        assertThat(diagnostics.hasErrors()).isFalse();
        diagnostics.warning("rules[0].filter.advancedFilters", "w1");
        diagnostics.error("rules[1].name", "e1");
        diagnostics.warning("rules[1].filter", "w2");
        diagnostics.error("rules[0].name", "e2");
        assertThat(diagnostics.hasErrors()).isTrue();
        assertThat(diagnostics.errors()).containsExactly(new Violation("rules[1].name", "e1"),
                new Violation("rules[0].name", "e2"));
        assertThat(diagnostics.warnings()).containsExactly(new Violation("rules[0].filter.advancedFilters", "w1"),
                new Violation("rules[1].filter", "w2"));
    }

    @Test
    void warningsAloneAreNotErrors() {
        Diagnostics diagnostics = new Diagnostics();
        diagnostics.warning("a", "b");
        assertThat(diagnostics.hasErrors()).isFalse();
    }

    @Test
    void viewsAreReadOnly() {
        Diagnostics diagnostics = new Diagnostics();
        diagnostics.error("a", "b");
        assertThatThrownBy(() -> diagnostics.errors().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> diagnostics.warnings().add(new Violation("a", "b")))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
