package io.amlrouter.security;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks Microsoft Entra ID access tokens (RS256 JWTs): signature against the issuer's JWKS, issuer,
 * audience, expiry and not-before with a clock-skew allowance, an app role, and the calling application
 * ({@code appid} in v1 tokens, {@code azp} in v2). Event Grid sends such a token on every delivery to an
 * Entra-protected webhook, with the role {@code AzureEventGridSecureWebhookSubscriber} and its own
 * application as the caller; the role alone is not enough, since Microsoft's setup also gives it to whoever
 * creates the subscription.
 */
public final class JwtValidator {

    /** Tokens longer than this are refused unread. */
    static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private static final Logger LOG = Logger.getLogger(JwtValidator.class);

    /** A refused caller is logged at most once per this interval. */
    private static final Duration CALLER_LOG_INTERVAL = Duration.ofMinutes(1);

    private final Jwks jwks;
    private final Expectations expected;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();
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

    public CompletionStage<TokenCheck> check(String token) {
        if (token == null || token.isBlank()) {
            return done(new TokenCheck.Invalid("no bearer token"));
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            return done(new TokenCheck.Invalid("token too long"));
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return done(new TokenCheck.Invalid("not a signed JWT"));
        }
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            header = mapper.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = mapper.readTree(Base64.getUrlDecoder().decode(parts[1]));
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (Exception e) {
            return done(new TokenCheck.Invalid("malformed token"));
        }
        if (!"RS256".equals(header.path("alg").asText())) {
            return done(new TokenCheck.Invalid("unsupported signing algorithm \"" + header.path("alg").asText() + "\""));
        }
        String kid = header.path("kid").asText(null);
        if (kid == null) {
            return done(new TokenCheck.Invalid("token has no key id"));
        }
        TokenCheck claimCheck = checkClaims(claims);
        if (!(claimCheck instanceof TokenCheck.Valid)) {
            return done(claimCheck);
        }
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        return jwks.key(kid).handle((key, error) -> {
            if (error != null) {
                return new TokenCheck.Unavailable(error.getCause() != null ? error.getCause().getMessage() : error.getMessage());
            }
            if (key.isEmpty()) {
                return new TokenCheck.Invalid("token signed with unknown key \"" + kid + "\"");
            }
            return verify(key.get(), signed, signature) ? admit((TokenCheck.Valid) claimCheck)
                    : new TokenCheck.Invalid("bad signature");
        });
    }

    private TokenCheck checkClaims(JsonNode claims) {
        Instant now = clock.instant();
        long skew = expected.clockSkew().toSeconds();
        if (!claims.path("exp").isNumber()) {
            return new TokenCheck.Invalid("token has no expiry");
        }
        if (now.getEpochSecond() > claims.get("exp").asLong() + skew) {
            return new TokenCheck.Invalid("token expired");
        }
        if (claims.path("nbf").isNumber() && now.getEpochSecond() + skew < claims.get("nbf").asLong()) {
            return new TokenCheck.Invalid("token not yet valid");
        }
        String iss = claims.path("iss").asText("");
        if (!expected.issuers().contains(iss)) {
            return new TokenCheck.Invalid("issuer \"" + iss + "\" is not accepted");
        }
        List<String> aud = strings(claims.path("aud"));
        if (aud.stream().noneMatch(expected.audiences()::contains)) {
            return new TokenCheck.Invalid("audience " + aud + " is not accepted");
        }
        List<String> roles = strings(claims.path("roles"));
        if (expected.requiredRole().isPresent() && !roles.contains(expected.requiredRole().get())) {
            return new TokenCheck.Invalid("token lacks the role " + expected.requiredRole().get());
        }
        String appId = claims.hasNonNull("appid") ? claims.get("appid").asText() : claims.path("azp").asText(null);
        return new TokenCheck.Valid(claims.path("sub").asText(null), appId, roles);
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

    private static boolean verify(PublicKey key, byte[] signed, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (Exception e) {
            return false;
        }
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(n -> {
                if (n.isTextual()) {
                    out.add(n.asText());
                }
            });
        }
        return out;
    }

    private static CompletionStage<TokenCheck> done(TokenCheck check) {
        return CompletableFuture.completedFuture(check);
    }
}
