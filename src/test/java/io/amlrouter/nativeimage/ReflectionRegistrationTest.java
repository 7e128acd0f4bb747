package io.amlrouter.nativeimage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * In a native image Jackson can only read the accessors of classes registered for reflection. Every
 * type of ours that Jackson writes is a record registered with {@code @RegisterForReflection}; this
 * test walks from those records through their components (and the permitted subtypes of sealed
 * component types) and fails on any of our types reached that is not registered, so a nested record
 * added later cannot silently break the native image.
 */
class ReflectionRegistrationTest {

    static List<Class<?>> ourClasses() throws IOException {
        Path root = Path.of("target/classes");
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("io/amlrouter"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                try {
                    classes.add(Class.forName(name, false, ReflectionRegistrationTest.class.getClassLoader()));
                } catch (ClassNotFoundException | NoClassDefFoundError e) {
                    // generated or build-time only
                }
            }
        }
        return classes;
    }

    @Test
    void everyTypeReachableFromARegisteredRecordIsRegistered() throws IOException {
        List<Class<?>> roots = ourClasses().stream().filter(Class::isRecord)
                .filter(c -> c.isAnnotationPresent(RegisterForReflection.class)).toList();
        assertThat(roots).as("registered records").hasSizeGreaterThan(10);
        Set<Class<?>> seen = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(roots);
        Set<String> unregistered = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (!seen.add(c)) {
                continue;
            }
            if (c.isSealed()) {
                todo.addAll(List.of(c.getPermittedSubclasses()));
            }
            if (c.isRecord()) {
                if (!c.isAnnotationPresent(RegisterForReflection.class)) {
                    unregistered.add(c.getName());
                }
                for (RecordComponent rc : c.getRecordComponents()) {
                    collect(rc.getGenericType(), todo);
                }
            }
        }
        assertThat(unregistered).as("records Jackson writes but a native image could not read").isEmpty();
    }

    private static void collect(Type type, Deque<Class<?>> todo) {
        if (type instanceof Class<?> c && c.getName().startsWith("io.amlrouter.")) {
            todo.add(c);
        } else if (type instanceof ParameterizedType p) {
            collect(p.getRawType(), todo);
            for (Type arg : p.getActualTypeArguments()) {
                collect(arg, todo);
            }
        }
    }
}
