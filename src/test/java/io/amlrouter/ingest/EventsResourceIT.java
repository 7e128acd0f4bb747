package io.amlrouter.ingest;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same checks against the packaged application (`target/quarkus-app/quarkus-run.jar`). */
@QuarkusIntegrationTest
class EventsResourceIT extends EventsResourceTest {
}
