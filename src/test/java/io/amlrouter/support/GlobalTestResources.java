package io.amlrouter.support;

import io.quarkus.test.common.QuarkusTestResource;

/**
 * The peers every Quarkus test shares. Declared once, globally, so all {@code @QuarkusTest}s without a
 * profile run in one application boot (each profile restarts Quarkus, and CI has two cores).
 */
@QuarkusTestResource(WireMockResource.class)
@QuarkusTestResource(GreenMailResource.class)
public final class GlobalTestResources {

    private GlobalTestResources() {
    }
}
