package io.amlrouter.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

/**
 * The stubs one test adds to the shared WireMock server ({@link WireMockResource#server()}), removed again
 * after it ({@link #removeAll()} from an {@code @AfterEach}) so the next test starts from the shared ones.
 */
public final class WireMockStubs {

    private final WireMockServer server;
    private final List<StubMapping> added = new CopyOnWriteArrayList<>();

    public WireMockStubs(WireMockServer server) {
        this.server = server;
    }

    /** Adds the stub for this test only. */
    public StubMapping add(MappingBuilder mapping) {
        StubMapping stub = server.stubFor(mapping);
        added.add(stub);
        return stub;
    }

    public void removeAll() {
        added.forEach(server::removeStub);
        added.clear();
    }
}
