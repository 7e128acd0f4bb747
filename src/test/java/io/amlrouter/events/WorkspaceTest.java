package io.amlrouter.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkspaceTest {

    private static final String ID = "/subscriptions/0000-1111/resourceGroups/ml-rg/providers/"
            + "Microsoft.MachineLearningServices/workspaces/ws-prod";

    @Test
    void parsesAnArmIdIgnoringCaseAndKeepingItsSpelling() {
        Workspace w = Workspace.fromArmId(ID.toLowerCase().replace("ws-prod", "WS-Prod")).orElseThrow();
        assertThat(w).isEqualTo(new Workspace("0000-1111", "ml-rg", "WS-Prod"));
    }

    @Test
    void onlyAWholeWorkspaceIdIsOne() {
        // A topic that merely starts with an allowed workspace's id names another resource, or nothing.
        assertThat(Workspace.fromArmId(ID + "/jobs/run-1")).isEmpty();
        assertThat(Workspace.fromArmId(ID + "/models/x")).isEmpty();
        assertThat(Workspace.fromArmId(ID + "/../mlw-evil")).isEmpty();
        assertThat(Workspace.fromArmId(ID + "/")).isEmpty();
        assertThat(Workspace.fromArmId(ID.replace("ws-prod", ".."))).isEmpty();
        assertThat(Workspace.fromArmId(ID.replace("ml-rg", "."))).isEmpty();
        assertThat(Workspace.fromArmId(ID)).contains(new Workspace("0000-1111", "ml-rg", "ws-prod"));
    }

    @Test
    void theSameIdTwiceGivesTheSameAnswerAndAnotherIdItsOwn() {
        Workspace first = Workspace.fromArmId(ID).orElseThrow();
        assertThat(Workspace.fromArmId(ID)).contains(first);
        assertThat(Workspace.fromArmId(ID.replace("ws-prod", "ws-dev"))).contains(new Workspace("0000-1111", "ml-rg", "ws-dev"));
        assertThat(Workspace.fromArmId("/subscriptions/x/resourceGroups/y")).isEmpty();
        assertThat(Workspace.fromArmId(ID)).contains(first);
        assertThat(Workspace.fromArmId("  " + ID + " ")).contains(first);
        assertThat(Workspace.fromArmId("")).isEmpty();
        assertThat(Workspace.fromArmId(null)).isEmpty();
    }

    @Test
    void sameAsIgnoresCaseSegmentBySegment() {
        Workspace w = new Workspace("0000-1111", "ml-rg", "ws-prod");
        assertThat(w.sameAs(new Workspace("0000-1111", "ML-RG", "WS-PROD"))).isTrue();
        assertThat(w.sameAs(new Workspace("0000-1111", "ml-rg", "ws-prod2"))).isFalse();
        assertThat(w.sameAs(new Workspace("0000-1112", "ml-rg", "ws-prod"))).isFalse();
        assertThat(w.sameAs(null)).isFalse();
        assertThat(w.sameAs(new Workspace("0000-1111", "ML-RG", "WS-PROD"))).isEqualTo(
                w.key().equals(new Workspace("0000-1111", "ML-RG", "WS-PROD").key()));
    }
}
