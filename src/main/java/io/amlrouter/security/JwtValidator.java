package io.amlrouter.security;

import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;
import org.jose4j.jwa.AlgorithmConstraints.ConstraintType;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;

import io.smallrye.mutiny.Uni;

/**
 * Checks Microsoft Entra ID access tokens (RS256 JWTs) with jose4j: signature against the issuer's JWKS,
 * issuer, audience, expiry and not-before with a clock-skew allowance; then our own decisions on top: an
 * app role, and the calling application ({@code appid} in v1 tokens, {@code azp} in v2). Event Grid sends
 * such a token on every delivery to an Entra-protected webhook, with the role
 * {@code AzureEventGridSecureWebhookSubscriber} and its own application as the caller; the role alone is
 * not enough, since Microsoft's setup also gives it to whoever creates the subscription.
 *
 * <p>The claims are checked before the keys are looked up, so a token that fails on its claims never
 * costs a fetch of the keys; keys that cannot be fetched make the check {@link TokenCheck.Unavailable}
 * (503), never {@link TokenCheck.Invalid} (401), which Event Grid would not retry.
 */
public final class JwtValidator implements AutoCloseable {

    /** Tokens longer than this are refused unread. */
    static final int MAX_TOKEN_LENGTH = 16 * 1024;

    /** Entra signs access tokens with RS256 only. */
    static final String ALGORITHM = AlgorithmIdentifiers.RSA_USING_SHA256;

    private static final Logger LOG = Logger.getLogger(JwtValidator.class);

    /** A refused caller is logged at most once per this interval. */
    private static final Duration CALLER_LOG_INTERVAL = Duration.ofMinutes(1);

    /** Reads a compact JWS without judging it: the header and claims, for the checks below. */
    private static final JwtConsumer PARSER = new JwtConsumerBuilder().setSkipAllValidators()
            .setDisableRequireSignature().setSkipSignatureVerification().build();

    private final Jwks jwks;
    private final Expectations expected;
    private final Clock clock;
    private final Map<String, Instant> callerLogged = new ConcurrentHashMap<>();

    /**
     * What a valid token must carry.
     *
     * @param issuers accepted {@code iss} values (exact)
     * @param audiences accepted {@code aud} values: the app id and/or app id URI
     * @param requiredRole a role that must be in {@code roles}, or empty for none
     * @param allowedCallers accepted callers ({@code appid} or {@code azp}), or empty for any
     * @param clockSkew tolerance on {@code exp} and {@code nbf}
     */
    public record Expectations(List<String> issuers, List<String> audiences, Optional<String> requiredRole,
            List<String> allowedCallers, Duration clockSkew) {
    }

    public JwtValidator(Jwks jwks, Expectations expected, Clock clock) {
        this.jwks = jwks;
        this.expected = expected;
        this.clock = clock;
    }

    /**
     * The outcome for {@code token}. Without a key-cache miss it is known at once; after a miss it arrives
     * on the subscriber's Vert.x context once the keys are fetched.
     */
    public Uni<TokenCheck> check(String token) {
        if (token == null || token.isBlank()) {
            return done(new TokenCheck.Invalid("no bearer token"));
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            return done(new TokenCheck.Invalid("token too long"));
        }
        if (!compactJws(token)) {
            return done(new TokenCheck.Invalid("not a signed JWT"));
        }
        JwtContext parsed;
        try {
            parsed = PARSER.process(token);
        } catch (InvalidJwtException e) {
            return done(new TokenCheck.Invalid("malformed token"));
        }
        if (!(parsed.getJoseObjects().get(0) instanceof JsonWebSignature jws)) {
            return done(new TokenCheck.Invalid("not a signed JWT"));
        }
        String alg = jws.getAlgorithmHeaderValue();
        if (!ALGORITHM.equals(alg)) {
            return done(new TokenCheck.Invalid("unsupported signing algorithm \"" + (alg == null ? "" : alg) + "\""));
        }
        String kid = jws.getKeyIdHeaderValue();
        if (kid == null) {
            return done(new TokenCheck.Invalid("token has no key id"));
        }
        TokenCheck claimCheck = checkClaims(parsed);
        if (!(claimCheck instanceof TokenCheck.Valid valid)) {
            return done(claimCheck);
        }
        return jwks.key(kid).map(key -> {
            if (key.isEmpty()) {
                return (TokenCheck) new TokenCheck.Invalid("token signed with unknown key \"" + kid + "\"");
            }
            return verify(key.get(), parsed) ? admit(valid) : new TokenCheck.Invalid("bad signature");
        }).onFailure(Jwks.KeysUnavailable.class).recoverWithItem(e -> new TokenCheck.Unavailable(e.getMessage()));
    }

    /** Whether {@code token} has the three dot-separated parts of a compact JWS (header, claims, signature). */
    public static boolean compactJws(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    /** Releases the HTTP client of the keys; for owners that go away before Vert.x does (tests). */
    @Override
    public void close() {
        jwks.close();
    }

    /** jose4j's claims checks (expiry required, not-before, issuer, audience, with skew), then the role. */
    private TokenCheck checkClaims(JwtContext parsed) {
        JwtConsumer claims = new JwtConsumerBuilder().setSkipSignatureVerification()
                .setEvaluationTime(NumericDate.fromMilliseconds(clock.millis()))
                .setAllowedClockSkewInSeconds((int) expected.clockSkew().toSeconds())
                .setRequireExpirationTime()
                .setExpectedIssuers(true, expected.issuers().toArray(String[]::new))
                .setExpectedAudience(true, expected.audiences().toArray(String[]::new))
                .build();
        JwtClaims body = parsed.getJwtClaims();
        try {
            claims.processContext(parsed);
        } catch (InvalidJwtException e) {
            return new TokenCheck.Invalid(reason(e, body));
        }
        List<String> roles = strings(body.getClaimValue("roles"));
        if (expected.requiredRole().isPresent() && !roles.contains(expected.requiredRole().get())) {
            return new TokenCheck.Invalid("token lacks the role " + expected.requiredRole().get());
        }
        Object appId = body.getClaimValue("appid") != null ? body.getClaimValue("appid") : body.getClaimValue("azp");
        Object subject = body.getClaimValue("sub");
        return new TokenCheck.Valid(subject == null ? null : subject.toString(), appId == null ? null : appId.toString(),
                roles);
    }

    /** What a 401 says about claims jose4j refused, first what is most basic. */
    private static String reason(InvalidJwtException e, JwtClaims body) {
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return "token has no expiry";
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRED)) {
            return "token expired";
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return "token not yet valid";
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            Object iss = body.getClaimValue("iss");
            return "issuer \"" + (iss == null ? "" : iss) + "\" is not accepted";
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "audience " + strings(body.getClaimValue("aud")) + " is not accepted";
        }
        if (e.hasErrorCode(ErrorCodes.MALFORMED_CLAIM)) {
            return "malformed claim in token";
        }
        return e.getErrorDetails().isEmpty() ? "invalid token" : e.getErrorDetails().get(0).getErrorMessage();
    }

    /** jose4j's RS256 verification of the token against the issuer's key. */
    private static boolean verify(PublicKey key, JwtContext parsed) {
        try {
            new JwtConsumerBuilder().setVerificationKey(key)
                    .setJwsAlgorithmConstraints(ConstraintType.PERMIT, ALGORITHM)
                    .setSkipAllValidators().build().processContext(parsed);
            return true;
        } catch (InvalidJwtException e) {
            return false;
        }
    }

    /**
     * The caller check, made once the signature holds so that what is logged is what Entra issued: a
     * token of any application but the allowed callers is refused and logged with its caller's app id
     * (once a minute per caller), never with the token.
     */
    private TokenCheck admit(TokenCheck.Valid token) {
        if (expected.allowedCallers().isEmpty()
                || token.appId() != null && expected.allowedCallers().contains(token.appId())) {
            return token;
        }
        String caller = token.appId() == null ? "none" : token.appId();
        Instant now = clock.instant();
        Instant last = callerLogged.get(caller);
        if (last == null || !now.isBefore(last.plus(CALLER_LOG_INTERVAL))) {
            if (callerLogged.size() > 1000) {
                callerLogged.clear();
            }
            callerLogged.put(caller, now);
            LOG.warnf("Refused a validly signed Entra token of caller (appid/azp) %s, subject %s, roles %s: the allowed "
                    + "callers are %s", caller, token.subject(), token.roles(), expected.allowedCallers());
        }
        return new TokenCheck.Invalid(token.appId() == null ? "the token names no calling application (appid/azp)"
                : "the token's calling application (appid/azp) " + token.appId() + " is not an allowed caller");
    }

    /** A claim that is one string or a list of them (audiences, roles). */
    private static List<String> strings(Object claim) {
        List<String> out = new ArrayList<>();
        if (claim instanceof String s) {
            out.add(s);
        } else if (claim instanceof List<?> list) {
            list.stream().filter(String.class::isInstance).map(String.class::cast).forEach(out::add);
        }
        return out;
    }

    private static Uni<TokenCheck> done(TokenCheck check) {
        return Uni.createFrom().item(check);
    }
}
