package io.amlrouter.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Seeds that live elsewhere in the repository (event fixtures, rules files, built-in templates), offered to the fuzz
 * tests through {@code @MethodSource}: Jazzer runs them in regression mode next to the inputs directory and starts
 * fuzzing from them, so a fixture added later by anyone seeds the fuzzers without a copy in the corpus.
 */
final class FuzzSeeds {

    private FuzzSeeds() {
    }

    /**
     * Every file under {@code dir} (recursively) whose name ends with one of {@code suffixes}. A directory that is
     * absent or holds no such file fails the test: a moved corpus must not turn the fuzz tests into no-ops.
     */
    static Stream<Arguments> files(String dir, String... suffixes) {
        Path root = Path.of(dir);
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("fuzz seed directory " + dir + " does not exist (moved?)");
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> found = walk.filter(Files::isRegularFile)
                    .filter(p -> Stream.of(suffixes).anyMatch(s -> p.getFileName().toString().endsWith(s)))
                    .sorted().toList();
            if (found.isEmpty()) {
                throw new IllegalStateException("fuzz seed directory " + dir + " holds no " + List.of(suffixes) + " file");
            }
            return found.stream().map(p -> Arguments.of(Named.of(p.toString(), read(p))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One file; a missing one fails the test. */
    static Stream<Arguments> file(String path) {
        Path p = Path.of(path);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("fuzz seed file " + path + " does not exist (moved?)");
        }
        return Stream.of(Arguments.of(Named.of(path, read(p))));
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
