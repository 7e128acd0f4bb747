package io.amlrouter.rules.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.amlrouter.rules.RulesConfig;

/**
 * Where the rules come from: the file at {@code rules.path}, or the sample rules shipped in the service
 * when none is configured. Reading never throws: a missing or unreadable file is logged and read as empty,
 * so the caller keeps what it has.
 */
@ApplicationScoped
public class RulesFile {

    private static final Logger LOG = Logger.getLogger(RulesFile.class);
    static final String SAMPLE = "rules/sample-rules.yaml";

    private final Optional<Path> path;

    public RulesFile(RulesConfig config) {
        this.path = config.path().filter(p -> !p.isBlank()).map(Path::of);
    }

    /** The configured file, empty when the sample rules are used. */
    public Optional<Path> path() {
        return path;
    }

    /** The name shown in logs and on {@code GET /rules}. */
    public String source() {
        return path.map(Path::toString).orElse("classpath:" + SAMPLE);
    }

    /** The content now, or empty when it cannot be read (logged). */
    public Optional<byte[]> read() {
        try {
            if (path.isPresent()) {
                long size = Files.size(path.get());
                if (size > RuleSetLoader.MAX_FILE_BYTES) {
                    // Let the loader report it with the same message the linter gives.
                    return Optional.of(new byte[(int) Math.min(size, RuleSetLoader.MAX_FILE_BYTES + 1L)]);
                }
                return Optional.of(Files.readAllBytes(path.get()));
            }
            try (InputStream in = RulesFile.class.getClassLoader().getResourceAsStream(SAMPLE)) {
                return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
            }
        } catch (NoSuchFileException e) {
            LOG.warnf("The rules file %s does not exist (now); keeping the active rules", source());
            return Optional.empty();
        } catch (IOException e) {
            LOG.warnf("Cannot read the rules file %s: %s; keeping the active rules", source(), e.getMessage());
            return Optional.empty();
        }
    }
}
