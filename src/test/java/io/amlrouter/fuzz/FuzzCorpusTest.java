package io.amlrouter.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Every {@code @FuzzTest} of this package has its inputs directory ({@code <Class>Inputs/<method>} under
 * src/test/resources/io/amlrouter/fuzz), and it holds inputs. Jazzer replays that directory in regression mode but
 * runs with an empty input only, and passes, when it is absent: a renamed class or method, or a moved corpus, would
 * turn the replay of past findings into a no-op without a word. The seeds from elsewhere fail the same way
 * ({@link FuzzSeeds}).
 */
class FuzzCorpusTest {

    static final Path SOURCES = Path.of("src/test/java/io/amlrouter/fuzz");
    static final Path INPUTS = Path.of("src/test/resources/io/amlrouter/fuzz");

    static List<Method> fuzzTests() throws IOException, ClassNotFoundException {
        List<Method> found = new ArrayList<>();
        List<Path> sources;
        try (Stream<Path> files = Files.list(SOURCES)) {
            sources = files.filter(p -> p.getFileName().toString().endsWith(".java")).sorted().toList();
        }
        for (Path source : sources) {
            String name = source.getFileName().toString().replace(".java", "");
            for (Method m : Class.forName("io.amlrouter.fuzz." + name, false, FuzzCorpusTest.class.getClassLoader())
                    .getDeclaredMethods()) {
                if (m.isAnnotationPresent(FuzzTest.class)) {
                    found.add(m);
                }
            }
        }
        return found;
    }

    static Stream<Arguments> fuzzTestMethods() throws IOException, ClassNotFoundException {
        return fuzzTests().stream().map(m -> Arguments.of(
                Named.of(m.getDeclaringClass().getSimpleName() + "." + m.getName(), m)));
    }

    @Test
    void theFuzzTestsAreFound() throws IOException, ClassNotFoundException {
        assertThat(fuzzTests()).extracting(m -> m.getDeclaringClass().getSimpleName()).contains("EventDecoderFuzzTest",
                "EventFilterFuzzTest", "RuleSetLoaderFuzzTest", "TemplateFuzzTest");
    }

    @ParameterizedTest
    @MethodSource("fuzzTestMethods")
    void eachFuzzTestHasItsInputsDirectoryWithInputs(Method test) throws IOException {
        Path dir = INPUTS.resolve(test.getDeclaringClass().getSimpleName() + "Inputs").resolve(test.getName());
        assertThat(dir).as("inputs directory of %s.%s", test.getDeclaringClass().getSimpleName(), test.getName())
                .isDirectory();
        try (Stream<Path> inputs = Files.list(dir)) {
            assertThat(inputs.filter(Files::isRegularFile).count()).as("inputs in %s", dir).isPositive();
        }
    }
}
