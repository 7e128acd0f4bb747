package io.amlrouter.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Fixtures under {@code src/test/resources/testdata/}. */
public final class TestData {

    private TestData() {
    }

    public static byte[] bytes(String path) {
        try (InputStream in = TestData.class.getClassLoader().getResourceAsStream("testdata/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture testdata/" + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String path) {
        return new String(bytes(path), StandardCharsets.UTF_8);
    }
}
