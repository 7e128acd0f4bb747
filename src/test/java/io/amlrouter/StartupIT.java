package io.amlrouter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The packaged service refuses to start on a misconfiguration, saying why: an invalid rules file
 * (every violation printed), no ingest authentication without the development switch, an SMTP host
 * without a sender, or a Redis ledger without a Redis server.
 */
class StartupIT {

    record Result(int exit, String output) {
    }

    static Result start(String... properties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=0"));
        command.addAll(List.of(properties));
        command.addAll(List.of("-jar", "target/quarkus-app/quarkus-run.jar"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("INGEST_") || k.startsWith("RULES_")
                || k.startsWith("QUARKUS_MAILER_") || k.startsWith("EMAIL_"));
        Process p = builder.start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(exited).as("the service must stop by itself:\n" + out).isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void anInvalidRulesFileStopsTheServiceWithEveryViolation() throws Exception {
        Result r = start("-Dingest.auth.keys=k", "-Drules.path=src/test/resources/testdata/rules/bad/names.yaml");
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("is invalid (3 violation(s)); the service does not start",
                "rules[0].name: \"Mail_Failed\" must be", "rules[2].name: duplicate rule name \"dup\" (also rules[1])",
                "rules[3].name: is required");
    }

    @Test
    void aRedisLedgerWithoutARedisServerStopsTheService() throws Exception {
        Result r = start("-Dingest.auth.keys=k", "-Drules.path=src/test/resources/testdata/ledger-rules.yaml",
                "-Dledger.store=redis");
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("ledger.store=redis (LEDGER_STORE) needs a Redis server",
                "QUARKUS_REDIS_HOSTS");
    }

    @Test
    void anSmtpHostWithoutASenderStopsTheService() throws Exception {
        Result r = start("-Dingest.auth.keys=k", "-Dquarkus.mailer.host=smtp.contoso.com");
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("Email delivery is SMTP (quarkus.mailer.host is set (SysPropConfigSource)) "
                + "but quarkus.mailer.from (QUARKUS_MAILER_FROM) is not set");
    }

    @Test
    void noIngestAuthenticationStopsTheServiceUnlessInDevelopmentMode() throws Exception {
        Result r = start();
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("Ingest authentication is not configured", "INGEST_AUTH_KEYS");
    }
}
